/** The labels the host puts on everything it creates; it finds its containers by them. */
export const hostLabels = {
  stack: 'rsgo.stack',
  service: 'rsgo.service',
  deployment: 'rsgo.deployment',
  environment: 'rsgo.environment',
  product: 'rsgo.product',
  version: 'rsgo.version',
  lifecycle: 'rsgo.lifecycle',
  /** ReadyStackGo's: the stack's name in its product (`API`), for scripts written for it. */
  stackDefinition: 'rsgo.stack.name',
  /** ReadyStackGo's: the service name. */
  context: 'rsgo.context',
} as const;

/** Label keys only the host sets; a manifest may use any other, `rsgo.*` ones included. */
export const reservedLabelKeys: ReadonlySet<string> = new Set(Object.values(hostLabels));
