import test from 'ava';
import { useAuthHost } from '../support/api-keys.js';
import { runCli } from '../support/run-cli.js';

// Serial: every run starts a Node process, and on a busy machine a crowd of them at once only
// makes each slower; one at a time, each test reports as soon as it is done.

test.serial('env create adds an environment that env list then shows next to the default one', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const env = { RSGO_URL: auth.host.url, RSGO_TOKEN: auth.token };
  const created = await runCli(['env', 'create', 'staging', '--docker-host', 'tcp://10.0.0.5:2376'], { env });
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, /^Created environment 'staging' \([0-9a-f-]{36}\)\.\n$/);

  const table = await runCli(['env', 'list'], { env });
  t.is(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  t.regex(lines[0] ?? '', /^ID +NAME +TYPE +DOCKER HOST +DEFAULT$/);
  t.regex(lines[1] ?? '', /^[0-9a-f-]{36} +local +docker +local socket +yes$/);
  t.regex(lines[2] ?? '', /^[0-9a-f-]{36} +staging +docker +tcp:\/\/10\.0\.0\.5:2376$/);

  const json = await runCli(['env', 'list', '--json'], { env });
  const { environments } = json.json<{ environments: Record<string, unknown>[] }>();
  t.deepEqual(
    environments.map(({ name, type, dockerHost, isDefault }) => ({ name, type, dockerHost, isDefault })),
    [
      { name: 'local', type: 'docker', dockerHost: null, isDefault: true },
      { name: 'staging', type: 'docker', dockerHost: 'tcp://10.0.0.5:2376', isDefault: false },
    ],
  );
});

test.serial('env create of a name that exists exits 1 with the host message', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const run = await runCli(['env', 'create', 'local', '--json'], { env: { RSGO_URL: auth.host.url, RSGO_TOKEN: auth.token } });
  t.is(run.code, 1);
  t.like(run.json(), { success: false, message: "Environment 'local' already exists.", code: 'CONFLICT' });
});

test.serial('keys create names an unknown environment: exit 1 listing the known ones, nothing created', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const env = { RSGO_URL: auth.host.url, RSGO_TOKEN: auth.token };
  const run = await runCli(['keys', 'create', 'ci', '--permission', 'sync', '--env', 'prod'], { env });
  t.is(run.code, 1);
  t.is(run.stderr, "rsgo: Unknown environment 'prod'. Known environments: local.\n");
  const list = await auth.host.request('GET', '/api/api-keys', { token: auth.token });
  t.deepEqual(list.body['apiKeys'], []);
});

test.serial('env remove deletes an environment by name; the default and unknown ones are refused', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const env = { RSGO_URL: auth.host.url, RSGO_TOKEN: auth.token };
  t.is((await runCli(['env', 'create', 'staging'], { env })).code, 0);

  const removed = await runCli(['env', 'remove', 'staging'], { env });
  t.is(removed.code, 0, removed.stderr);
  t.is(removed.stdout, "Environment 'staging' deleted.\n");
  const listed = await auth.host.request('GET', '/api/environments', { token: auth.token });
  t.deepEqual((listed.body['environments'] as Array<{ name: string }>).map((e) => e.name), ['local']);

  const refused = await runCli(['env', 'remove', 'local', '--json'], { env });
  t.is(refused.code, 1);
  t.like(refused.json(), { success: false, message: "Environment 'local' is the default environment and cannot be deleted.", code: 'ENVIRONMENT_DEFAULT' });
  const unknown = await runCli(['env', 'remove', 'staging'], { env });
  t.is(unknown.code, 1);
  t.is(unknown.stderr, "rsgo: Unknown environment 'staging'. Known environments: local.\n");
});
