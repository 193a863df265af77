/** Images and commands for {@link readyStackGoShapedCatalog}: manifest text, JSON being YAML. */
export interface ShapedCatalogImages {
  /** Image of `cachedata` and of every other service. */
  readonly cache: string;
  /** Image of `eventstore`. */
  readonly events: string;
  /** A `command:` that serves on port 8080 and keeps running. */
  readonly serve: string;
  /** A `command:` that only keeps running. */
  readonly idle: string;
}

/**
 * A catalog in the shapes written for ReadyStackGo (path → YAML). `Ledger` is a folder product:
 * its `Business` stack (written first) calls `cachedata` and `eventstore` of its `Infra` stack
 * (an include) by service name and names one of them in compose-style depends_on; it carries
 * ReadyStackGo's `maintenance:` and `edge:` blocks and `rsgo.*` labels. `Ping` is another
 * product. `Builder` has a service with only `build:`.
 */
export function readyStackGoShapedCatalog(images: ShapedCatalogImages): Record<string, string> {
  return {
    'ledger/stack.yaml': `metadata: { name: Ledger, productId: com.example.ledger, productVersion: "1.0.0" }
maintenance:
  observer: { type: http, url: "http://status.example/ledger" }
edge:
  enabled: false
stacks:
  business:
    metadata: { name: Business }
    services:
      api:
        image: ${images.cache}
        command: ${images.idle}
        depends_on: [cachedata]
        labels: { rsgo.role: api, rsgo.redeploy: ignore }
  infra:
    include: infra.yaml
`,
    'ledger/infra.yaml': `metadata: { name: Infra }
services:
  cachedata: { image: ${images.cache}, command: ${images.serve} }
  eventstore: { image: ${images.events}, command: ${images.serve} }
`,
    'ping.yaml': `metadata: { name: Ping, productId: com.example.ping, productVersion: "1.0.0" }
services:
  probe: { image: ${images.cache}, command: ${images.idle} }
`,
    'builder.yaml': `metadata: { name: Builder, productId: com.example.builder, productVersion: "1.0.0" }
services:
  web: { image: ${images.cache}, command: ${images.idle} }
  compiler: { build: ./compiler }
`,
  };
}

/** The warnings a sync reports for {@link readyStackGoShapedCatalog}, in order. */
export const shapedCatalogWarnings: readonly { readonly file: string; readonly message: string }[] = [
  {
    file: 'builder.yaml',
    message:
      'services.compiler.build: not supported: the service has no image, so its stack cannot be deployed until it names one (build it and push it to a registry)',
  },
  { file: 'ledger/stack.yaml', message: "maintenance: ReadyStackGo's maintenance mode (observer, setter) is not supported; ignored" },
  { file: 'ledger/stack.yaml', message: "edge: ReadyStackGo's edge maintenance proxy is not supported; ignored" },
  {
    file: 'ledger/stack.yaml',
    message:
      'stacks.business.services.api.depends_on[0]: "cachedata" is a service of stack "Infra": that stack is deployed first; this service does not wait for it to be ready',
  },
];
