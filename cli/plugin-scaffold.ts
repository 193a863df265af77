/**
 * The files of a new plugin package (`rsgo plugin new`): a plugin tapping one hook, a test of
 * it with `rsgo/testing`, and what plain npm needs to install, build, test and pack it.
 */

export const scaffoldHooks = ['catalogSource', 'beforeDeploy', 'afterDeploy', 'authenticate', 'deploy'] as const;
export type ScaffoldHook = (typeof scaffoldHooks)[number];

export interface ScaffoldInput {
  /** The npm package name (`rsgo-plugin-acme-policy`). */
  readonly packageName: string;
  readonly hook: ScaffoldHook;
  /** The plugin API version of the host that writes the package. */
  readonly apiVersion: string;
  /** The host's version, for the `rsgo` peer dependency. */
  readonly hostVersion: string;
  /** How npm finds the host at development time (`file:../rsgo`), for `rsgo/testing` and the types. */
  readonly hostDependency: string;
  /** Exact versions of the toolchain: typescript, tsx, ava, @types/node. */
  readonly toolchain: Readonly<Record<string, string>>;
}

/** The plugin id a package name gives: without scope and `rsgo-plugin-` prefix. */
export function pluginIdOf(packageName: string): string {
  return packageName.replace(/^@[^/]+\//, '').replace(/^rsgo-plugin-/, '');
}

/** `setup`'s body and the imports it needs, per hook. */
const plugins: Readonly<Record<ScaffoldHook, { imports: string; options: string; setup: string }>> = {
  catalogSource: {
    imports: 'inMemorySourceFiles',
    options: "z.strictObject({ productName: z.string().default('Hello') })",
    setup: `    // Replace with your source: list and read manifests from wherever they live.
    hooks.catalogSource.tap(async () =>
      inMemorySourceFiles({
        'hello.yaml': { metadata: { name: options.productName, productVersion: '1.0.0' }, services: { web: { image: 'nginx:1.27' } } },
      }),
    );`,
  },
  beforeDeploy: {
    imports: 'ForbiddenError',
    options: 'z.strictObject({ allowedRegistries: z.array(z.string()).min(1) })',
    setup: `    // Vetoes a plan with an image from another registry; amends the others with a label.
    hooks.beforeDeploy.tap(async (plan) => {
      const foreign = plan.services.filter((service) => !options.allowedRegistries.some((registry) => service.image.startsWith(\`\${registry}/\`)));
      if (foreign.length > 0) {
        throw new ForbiddenError(\`images from registries not allowed: \${foreign.map((service) => service.image).join(', ')}\`, { code: 'REGISTRY_NOT_ALLOWED' });
      }
      return { ...plan, labels: { ...plan.labels, 'policy.checked': 'true' } };
    });`,
  },
  afterDeploy: {
    imports: '',
    options: "z.strictObject({ channel: z.string().default('#deployments') })",
    setup: `    // Runs after the caller was answered; replace the log line with your notification.
    hooks.afterDeploy.tap(async (outcome, context) => {
      context.log.info({ channel: options.channel, success: outcome.success, code: outcome.error?.code ?? null }, 'deployment finished');
    });`,
  },
  authenticate: {
    imports: '',
    options: "z.strictObject({ token: z.string().min(32), caller: z.string().default('pipeline'), permissions: z.array(z.string()).default(['Hooks.Redeploy']) })",
    setup: `    // Owns one static Bearer token; any other credentials are "not mine" (undefined).
    hooks.authenticate.tap(async (request) => {
      if (request.headers['authorization'] !== \`Bearer \${options.token}\`) return undefined;
      return { kind: 'plugin', plugin: name, name: options.caller, permissions: options.permissions };
    });`,
  },
  deploy: {
    imports: '',
    options: "z.strictObject({ environmentType: z.string().default('example') })",
    setup: `    // Registers the environment type it serves: its settings, what the API shows of them, and
    // how to tell what runs for a deployment (here: nothing, replace with your platform's).
    ctx.runtime({
      type: options.environmentType,
      settings: z.strictObject({ endpoint: z.string().default('local') }),
      publicSettings: (settings) => ({ endpoint: settings.endpoint }),
      inspect: async () => [],
    });
    // Carries out plans for environments of that type; returns undefined for the others.
    hooks.deploy.tap(async (plan, context) => {
      if (plan.environment.type !== options.environmentType) return undefined;
      for (const service of plan.services) context.progress({ service: service.name, step: 'healthy', message: 'nothing to do' });
      return { runtime: name, services: [] };
    });`,
  },
};

/** One test per hook, calling the plugin's tap through a real test host. */
const tests: Readonly<Record<ScaffoldHook, { imports: string; options: string; body: string }>> = {
  catalogSource: {
    imports: '',
    options: '{}',
    body: `  const token = await host.signIn();
  await host.host.catalog.ready();
  const catalog = await host.request('GET', '/api/catalog', { token });
  t.is(catalog.status, 200, catalog.text);
  t.true(JSON.stringify(catalog.body).includes('Hello'));`,
  },
  beforeDeploy: {
    imports: 'testDeployContext, testPlan',
    options: "{ allowedRegistries: ['registry.example.com'] }",
    body: `  const allowed = testPlan({ services: { web: { image: 'registry.example.com/web:1' } } });
  const amended = await host.hooks.beforeDeploy.promise(allowed, testDeployContext({ plan: allowed }).context);
  t.is(amended.labels['policy.checked'], 'true');
  const foreign = testPlan({ services: { web: { image: 'docker.io/library/nginx:1' } } });
  await t.throwsAsync(host.hooks.beforeDeploy.promise(foreign, testDeployContext({ plan: foreign }).context), { message: /not allowed/ });`,
  },
  afterDeploy: {
    imports: 'testDeployContext, testDeployOutcome, testPlan',
    options: "{ channel: '#ops' }",
    body: `  const plan = testPlan();
  const { context, logs } = testDeployContext({ plan });
  await host.hooks.afterDeploy.promise(testDeployOutcome(plan), context);
  // afterDeploy taps run after the caller was answered: wait for them.
  await host.host.plugins.settled();
  t.like(logs.find((line) => line.msg === 'deployment finished')?.fields, { channel: '#ops', success: true, deploymentId: plan.deploymentId });`,
  },
  authenticate: {
    imports: 'testAuthRequest',
    options: "{ token: 'a-token-of-at-least-thirty-two-chars', caller: 'ci' }",
    body: `  t.like(await host.hooks.authenticate.promise(testAuthRequest({ Authorization: 'Bearer a-token-of-at-least-thirty-two-chars' })), { kind: 'plugin', name: 'ci' });
  t.is(await host.hooks.authenticate.promise(testAuthRequest({ Authorization: 'Bearer someone-elses' })), undefined);`,
  },
  deploy: {
    imports: 'testDeployContext, testPlan',
    options: "{ environmentType: 'example' }",
    body: `  const plan = testPlan({ environment: { type: 'example' }, services: { web: { image: 'nginx:1.27' } } });
  const { context, progress } = testDeployContext({ plan });
  t.like(await host.hooks.deploy.promise(plan, context), { services: [] });
  t.deepEqual(progress.map((event) => event.step), ['healthy']);`,
  },
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The files of the package, by path relative to its folder. */
export function scaffoldFiles(input: ScaffoldInput): Readonly<Record<string, string>> {
  const id = pluginIdOf(input.packageName);
  const plugin = plugins[input.hook];
  const test = tests[input.hook];
  const pluginImports = ['definePlugin', ...(plugin.imports ? [plugin.imports] : []), 'z'].join(', ');
  const testImports = ['startTestHost', ...(test.imports ? test.imports.split(', ') : [])].join(', ');
  return {
    'package.json': json({
      name: input.packageName,
      version: '0.1.0',
      description: `rsgo plugin (${input.hook})`,
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      files: ['dist', 'README.md'],
      keywords: ['rsgo', 'rsgo-plugin'],
      engines: { node: '>=20.19' },
      scripts: { build: 'tsc -p tsconfig.json', test: 'tsc -p tsconfig.json --noEmit && ava', prepack: 'npm run build' },
      // The host provides rsgo/plugin to the plugins it loads: nothing to install with the plugin.
      peerDependencies: { rsgo: `^${input.hostVersion}` },
      peerDependenciesMeta: { rsgo: { optional: true } },
      devDependencies: { rsgo: input.hostDependency, ...input.toolchain },
      ava: { files: ['test/**/*.test.ts'], extensions: { ts: 'module' }, nodeArguments: ['--import=tsx'], workerThreads: false, timeout: '2m' },
      // tsx's esbuild checks its platform binary on install.
      allowScripts: { esbuild: true },
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        strict: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        skipLibCheck: true,
        declaration: true,
        rootDir: 'src',
        outDir: 'dist',
      },
      include: ['src'],
    }),
    '.gitignore': 'node_modules/\ndist/\n*.tgz\n',
    'src/index.ts': `import { ${pluginImports} } from 'rsgo/plugin';

export default definePlugin({
  id: '${id}',
  apiVersion: '${input.apiVersion}',
  version: '0.1.0',
  options: ${plugin.options},
  setup(ctx) {
    const { hooks, name, options } = ctx;
${plugin.setup}
  },
});
`,
    'test/index.test.ts': `import test from 'ava';
import { ${testImports} } from 'rsgo/testing';
import plugin from '../src/index.js';

test('${id}: its ${input.hook} tap does its work in a real host', async (t) => {
  const host = await startTestHost({ plugins: { '${id}': plugin }, config: { plugins: [{ use: '${id}', options: ${test.options} }] } });
  t.teardown(() => host.close());
${test.body}
});
`,
    'README.md': `# ${input.packageName}

An rsgo plugin tapping \`${input.hook}\`.

\`\`\`sh
npm install && npm test      # develop
npm pack                     # ship: ${input.packageName}-0.1.0.tgz
\`\`\`

Beside the host's config file: \`npm install ./${input.packageName}-0.1.0.tgz\`, then enable it:

\`\`\`yaml
plugins:
  - use: ${input.packageName}
    options: ${test.options}
\`\`\`
`,
  };
}
