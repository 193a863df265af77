import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../../core/config/load-config.js';
import { ConfigError } from '../../../core/errors.js';

const problemsOf = (text: string, env: NodeJS.ProcessEnv = {}): readonly string[] => {
  try {
    parseConfig(text, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

test('an empty file gives the documented defaults', (t) => {
  const config = parseConfig('', {});
  t.is(config.server.port, 8080);
  t.is(config.server.host, '127.0.0.1', 'loopback unless the operator opens it up');
  t.is(config.database.client, 'sqlite');
  t.is(config.hooks.timeoutMs.authenticate, 5000);
  t.deepEqual(config.plugins, []);
});

test('the server limits slow and numerous clients by default, and refuse settings that contradict each other', (t) => {
  const { server } = parseConfig('', {});
  t.like(server, { headersTimeoutSeconds: 10, requestTimeoutSeconds: 30, maxConnections: 1000, maxConnectionsPerAddress: 256 });
  t.deepEqual(problemsOf('server: { headersTimeoutSeconds: 60, requestTimeoutSeconds: 30 }'), ['server.headersTimeoutSeconds: must not be longer than requestTimeoutSeconds']);
  t.deepEqual(problemsOf('server: { maxConnections: 10, maxConnectionsPerAddress: 20 }'), ['server.maxConnectionsPerAddress: must not be more than maxConnections']);
});

test('${VAR} and ${VAR:-default} are replaced from the environment', (t) => {
  const config = parseConfig(
    'database: { client: mysql, url: "mysql://u:${DB_PASS}@h/${DB_NAME:-rsgo}" }\nplugins: [{ use: x, options: { price: "$$5" } }]',
    { DB_PASS: 's3cret' },
  );
  t.is(config.database.url, 'mysql://u:s3cret@h/rsgo');
  t.deepEqual(config.plugins[0]?.options, { price: '$5' });
});

test('an unset variable is an error naming its path, not an empty string', (t) => {
  t.deepEqual(problemsOf('plugins:\n  - use: git-source\n    options: { password: "${GIT_TOKEN}" }'), [
    'plugins[0].options.password: environment variable GIT_TOKEN is not set',
  ]);
});

test('unknown keys are rejected with their path', (t) => {
  t.deepEqual(problemsOf('server: { prot: 8080 }'), ["server: unknown key(s) 'prot'"]);
});

test('every problem is reported at once', (t) => {
  const problems = problemsOf('server: { port: "x" }\ndatabase: { client: mysql }\nplugins: [{ name: Bad }]\nextra: 1');
  t.is(problems.length, 5, problems.join('\n'));
  t.true(problems.some((p) => p.startsWith('server.port:')));
  t.true(problems.includes('database.url: Required when client is mysql'));
  t.true(problems.some((p) => p.startsWith('plugins[0].use:')));
  t.true(problems.some((p) => p.startsWith('plugins[0].name: must be kebab-case')));
  t.true(problems.includes("(root): unknown key(s) 'extra'"));
});

test('RSGO_PORT overrides server.port', (t) => {
  t.is(parseConfig('server: { port: 9000 }', { RSGO_PORT: '9100' }).server.port, 9100);
  t.deepEqual(problemsOf('', { RSGO_PORT: 'http' }), ["RSGO_PORT: expected a port number, got 'http'"]);
});

test('YAML syntax errors are config errors', (t) => {
  t.true(problemsOf('server: [unclosed')[0]?.startsWith('YAML:'));
});

test('duplicate keys are rejected', (t) => {
  t.true(problemsOf('server: { port: 1 }\nserver: { port: 2 }')[0]?.startsWith('YAML:'));
});

test('aliases that would add more than 1,000 nodes are refused; a few shared settings are fine', (t) => {
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcd'.split('').map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abc'[i]}`).join(', ')}]`)].join('\n');
  t.deepEqual(problemsOf(laughs), ['YAML: aliases would add more than 1000 nodes']);
  t.deepEqual(problemsOf('x-defaults: &defaults { port: 8080 }\nserver: *defaults\n').filter((problem) => problem.startsWith('YAML')), []);
});

test('a config problem never prints the substituted secret', (t) => {
  const problems = problemsOf('database: { client: nosql, url: "${DB_URL}" }', { DB_URL: 'mysql://u:topsecret@h/db' });
  t.false(problems.join('\n').includes('topsecret'));
});

test('loadConfig reads the file and remembers its folder for relative paths', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'rsgo.yaml'), 'server: { port: 8181 }\n');
  const loaded = await loadConfig(join(dir, 'rsgo.yaml'), {});
  t.is(loaded.configDir, dir);
  t.is(loaded.config.server.port, 8181);
});

test('a missing config file is a config error naming the file', async (t) => {
  const err = await t.throwsAsync(loadConfig('/nonexistent/rsgo.yaml', {}), { instanceOf: ConfigError });
  t.regex(err?.message ?? '', /cannot read config file \/nonexistent\/rsgo\.yaml/);
});

test('the shipped default config is valid', async (t) => {
  const loaded = await loadConfig('config/rsgo.yaml', {});
  t.is(loaded.config.database.client, 'sqlite');
});
