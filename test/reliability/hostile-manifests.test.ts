import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { substituteServiceVariables } from '../../core/manifests/substitute-variables.js';
import type { TestHost, TestResponse } from '../../core/testing.js';
import { useTestHost } from '../support/test-host.js';

/** A sync of hostile files must end quickly; anything near this means a limit is missing. */
const SYNC_LIMIT_MS = 15_000;

const good = `metadata:
  name: Good
  productId: com.example.good
  productVersion: "1.0.0"
variables:
  GREETING: { default: hello }
services:
  web:
    image: example/web:1
    environment:
      GREETING: "\${GREETING}"
      LITERAL: "$$HOME stays"
`;

const product = (name: string, body: string) => `metadata:\n  name: ${name}\n  productVersion: "1.0.0"\n${body}`;

/** `levels` mappings nested by indentation: the one kind of nesting the lexer check leaves to the parser. */
const indented = (levels: number) => Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n';

const billionLaughs = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
metadata: { name: Lol, productVersion: "1.0.0" }
services: { web: { image: x, command: *g } }
`;

interface HostileSource {
  readonly root: string;
  /** Written next to the source: no warning and no product may show its content. */
  readonly secret: string;
  /** Writes one good product and every kind of hostile file into the (empty) source folder. */
  fill(): Promise<void>;
}

/** An empty source folder, and what fills it with one good product and every kind of hostile file. */
async function hostileSource(t: ExecutionContext): Promise<HostileSource> {
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-hostile-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  const root = join(folder, 'source');
  await mkdir(root);
  const secret = `secret-${Date.now()}`;
  return { root, secret, fill: () => fillHostileSource(folder, root, secret) };
}

async function fillHostileSource(folder: string, root: string, secret: string): Promise<void> {
  await writeFile(join(folder, 'outside.yaml'), product('Stolen', `services:\n  web: { image: "${secret}" }\n`));
  const files: Record<string, string | Buffer> = {
    'good.yaml': good,
    'escape-include.yaml': product('Escape', 'stacks:\n  api:\n    include: ../outside.yaml\n'),
    'absolute-include.yaml': product('Absolute', 'stacks:\n  api:\n    include: /etc/passwd\n'),
    'link-include.yaml': product('LinkInclude', 'stacks:\n  api:\n    include: linked/outside.yaml\n'),
    'alias-bomb.yaml': billionLaughs,
    'flow-nesting.yaml': `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    'block-nesting.yaml': `- ${'- '.repeat(100_000)}x`,
    'indent-nesting.yaml': indented(1_000),
    'invalid-utf8.yaml': Buffer.concat([Buffer.from(product('Bad', 'services:\n  web: { image: x }\n# ')), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\n')]),
    'unknown-tags.yaml': product('Tags', 'services:\n  web:\n    image: !!python/object/apply:os.system ["touch /tmp/pwned"]\n'),
    'many-documents.yaml': `${good}---\n${good}`,
    'duplicate-keys.yaml': product('Dup', 'services:\n  web: { image: a }\n  web: { image: b }\n'),
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  // Links that lead out of the source: a file, a folder, and the machine's own files.
  await symlink(join(folder, 'outside.yaml'), join(root, 'link-to-outside.yaml'));
  await symlink(folder, join(root, 'linked'));
  await symlink('/etc/passwd', join(root, 'passwd.yaml'));
  // Larger than the limit without costing the disk anything: a sparse 4 GiB file.
  await writeFile(join(root, 'huge.yaml'), '');
  await truncate(join(root, 'huge.yaml'), 4 * 1024 ** 3);
  // A named pipe behind a link: opening it would wait for a writer forever.
  await promisify(execFile)('mkfifo', [join(root, 'pipe')]);
  await symlink('pipe', join(root, 'pipe.yaml'));
}

/**
 * A host whose one catalog source is the hostile folder, started while it is empty, then the
 * answer of the sync through the API that reads the files for the first time.
 */
async function syncOnce(t: ExecutionContext, source: HostileSource): Promise<{ host: TestHost; answer: TestResponse; ms: number }> {
  const host = await useTestHost(t, { config: { plugins: [{ use: 'local-directory-source', name: 'hostile', options: { path: source.root } }] } });
  const token = await host.signIn();
  await source.fill();
  const started = performance.now();
  const answer = await host.request('POST', '/api/catalog/sync', { token });
  return { host, answer, ms: performance.now() - started };
}

test('A source full of hostile manifests loads its good product, names each bad file with a clear reason, and stays bounded', async (t) => {
  const source = await hostileSource(t);
  const { root, secret } = source;
  const heapBefore = process.memoryUsage().heapUsed;
  const { host, answer, ms } = await syncOnce(t, source);
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  t.log(`sync took ${Math.round(ms)} ms, heap grew ${Math.round(heapGrowth / 1024 / 1024)} MiB`);
  t.true(ms < SYNC_LIMIT_MS, `sync took ${Math.round(ms)} ms`);

  // Bad files never fail the source: the sync succeeds and reports them as warnings.
  t.is(answer.status, 200, answer.text);
  t.like(answer.body, { success: true, sourcesSynced: 1, stacksLoaded: 1 });
  const catalog = await host.request('GET', '/api/catalog', { token: await host.signIn() });
  t.deepEqual((catalog.body['products'] as Array<{ name: string }>).map((p) => p.name), ['Good']);
  const warnings = answer.body['warnings'] as Array<{ source: string; file: string; message: string }>;
  const reasons = Object.fromEntries(warnings.map((w) => [w.file, w.message]));
  const expected: Record<string, RegExp> = {
    'escape-include.yaml': /include path "\.\.\/outside\.yaml" leaves the source root/,
    'absolute-include.yaml': /include path "\/etc\/passwd" must be relative/,
    'link-include.yaml': /"linked\/outside\.yaml" leads outside the source folder/,
    'alias-bomb.yaml': /too many alias expansions/,
    'flow-nesting.yaml': /nesting is deeper than 64 levels/,
    'block-nesting.yaml': /nesting is deeper than 64 levels/,
    'indent-nesting.yaml': /nesting is deeper than 64 levels/,
    'invalid-utf8.yaml': /file is not valid UTF-8/,
    // Tags are never resolved to code: the tagged list stays a list, which is no image.
    'unknown-tags.yaml': /^invalid YAML at line 6, column \d+: unknown sequence tag /,
    'many-documents.yaml': /several YAML documents/,
    'duplicate-keys.yaml': /duplicated mapping key/,
    'link-to-outside.yaml': /^leads outside the source folder$/,
    'passwd.yaml': /^leads outside the source folder$/,
    'huge.yaml': /^is 4294967296 bytes, larger than the 1048576-byte limit$/,
    'pipe.yaml': /^is not a regular file$/,
  };
  for (const [file, reason] of Object.entries(expected)) t.regex(reasons[file] ?? '(no warning)', reason, file);
  t.deepEqual(Object.keys(reasons).sort(), Object.keys(expected).sort(), 'one warning per hostile file, none for the good one');

  const reported = [answer.text, catalog.text, ...host.logs].join('\n');
  t.false(reported.includes(secret), 'nothing of a file outside the source is shown');
  t.false(reported.includes('root:x:'), 'nothing of /etc/passwd is shown');
  t.false(reported.includes(root), 'no host path is shown');
});

test('Variable values full of shell and YAML metacharacters reach the container environment verbatim and change nothing else', async (t) => {
  const { host } = await syncOnce(t, await hostileSource(t));
  const stack = host.host.catalog.find('com.example.good')?.manifest.stacks[0];
  const service = stack?.services[0];
  if (!service) return t.fail('the good product did not load');
  const hostile = [
    '$(touch /tmp/pwned)', '`id`', '"; DROP TABLE deployments; --', "' OR '1'='1", '\nservices:\n  evil: { image: x }',
    '*alias', '&anchor x', '!!python/object', '${GREETING}', '$$', '{{ .Env }}', '\u0000nul', 'a: b\n- c', '%00', '\u202Eevil',
  ];
  for (const value of hostile) {
    const substituted = substituteServiceVariables(service, { GREETING: value });
    // Substitution works on parsed values: a value is text, never YAML, and is not substituted again.
    t.is(substituted.environment['GREETING'], value);
    t.is(substituted.environment['LITERAL'], '$HOME stays');
    t.deepEqual(Object.keys(substituted.environment), ['GREETING', 'LITERAL']);
    t.is(substituted.image, 'example/web:1');
  }
});
