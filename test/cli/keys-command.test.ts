import test from 'ava';
import { createKey, defaultEnvironmentId, useAuthHost } from '../support/api-keys.js';
import { runCli } from '../support/run-cli.js';

const keyPattern = /^rsgo_[A-Za-z0-9]{32}$/m;

test('keys create prints the full key once, and that key can call the hooks it was given', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const run = await runCli(['keys', 'create', 'CI deploy', '--permission', 'redeploy,sync', '--env', 'local'], {
    env: { RSGO_URL: auth.host.url, RSGO_TOKEN: auth.token },
  });
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^Created API key 'CI deploy' \(/);
  t.regex(run.stdout, /Permissions: +Hooks\.Redeploy, Hooks\.SyncSources/);
  t.regex(run.stdout, /Environment: +local \(/);
  t.regex(run.stdout, /shown only this once/);
  const fullKey = keyPattern.exec(run.stdout)?.[0] ?? '';
  const sync = await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: fullKey });
  t.is(sync.status, 200, sync.text);
});

test('keys create --json prints the host answer with the key, ready for jq', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const run = await runCli(['keys', 'create', 'nightly', '--permission', 'Hooks.SyncSources', '--expires', '2099-12-31', '--json'], {
    env: { RSGO_URL: auth.host.url, RSGO_TOKEN: auth.token },
  });
  t.is(run.code, 0, run.stderr);
  const body = run.json<{ success: boolean; apiKey: Record<string, unknown> }>();
  t.true(body.success);
  t.deepEqual(Object.keys(body.apiKey).sort(), ['createdAt', 'environmentId', 'expiresAt', 'fullKey', 'id', 'keyPrefix', 'name', 'permissions']);
  t.regex(String(body.apiKey['fullKey']), keyPattern);
  t.is(body.apiKey['expiresAt'], '2099-12-31T00:00:00.000Z');
  t.deepEqual(body.apiKey['permissions'], ['Hooks.SyncSources']);
});

test('keys list shows every key with its environment and status; --json is the API list without secrets', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const environmentId = await defaultEnvironmentId(auth);
  await createKey(t, auth, { name: 'scoped', permissions: ['Hooks.Redeploy'], environmentId });
  const old = await createKey(t, auth, { name: 'old', permissions: ['Hooks.Upgrade'] });
  await auth.host.request('DELETE', `/api/api-keys/${old.id}`, { token: auth.token });
  const env = { RSGO_URL: auth.host.url, RSGO_TOKEN: auth.token };

  const table = await runCli(['keys', 'list'], { env });
  t.is(table.code, 0, table.stderr);
  const [header, ...rows] = table.stdout.trimEnd().split('\n');
  t.regex(header ?? '', /^ID +NAME +PREFIX +PERMISSIONS +ENVIRONMENT +EXPIRES +LAST USED +STATUS$/);
  t.is(rows.length, 2);
  t.regex(rows.find((row) => row.includes('scoped')) ?? '', /Hooks\.Redeploy +local +never +- +active$/);
  t.regex(rows.find((row) => row.includes('old')) ?? '', /Hooks\.Upgrade +all +never +- +revoked$/);

  const json = await runCli(['keys', 'list', '--json'], { env });
  const { apiKeys } = json.json<{ apiKeys: Record<string, unknown>[] }>();
  t.is(apiKeys.length, 2);
  t.false(json.stdout.includes('fullKey'));
  t.true(apiKeys.some((key) => key['name'] === 'old' && key['isRevoked'] === true));
});

test('keys revoke by name makes the host refuse the key from the next request', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const key = await createKey(t, auth, { name: 'leaked', permissions: ['Hooks.SyncSources'] });
  const env = { RSGO_URL: auth.host.url, RSGO_TOKEN: auth.token };
  const run = await runCli(['keys', 'revoke', 'leaked'], { env });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, "API key 'leaked' revoked successfully.\n");
  t.is((await auth.host.request('POST', '/api/hooks/sync-sources', { apiKey: key.fullKey })).status, 401);

  const again = await runCli(['keys', 'revoke', key.id, '--json'], { env });
  t.is(again.code, 1);
  t.like(again.json(), { success: false, message: 'API key is already revoked.', code: 'API_KEY_ALREADY_REVOKED' });
  const unknownName = await runCli(['keys', 'revoke', 'leaked'], { env });
  t.is(unknownName.code, 1);
  t.is(unknownName.stderr, "rsgo: No active API key named 'leaked'.\n");
});

test('a request the host refuses exits 1 with its message, status and code on stderr', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  await createKey(t, auth, { name: 'taken', permissions: ['Hooks.Redeploy'] });
  const run = await runCli(['keys', 'create', 'taken', '--permission', 'redeploy'], { env: { RSGO_URL: auth.host.url, RSGO_TOKEN: auth.token } });
  t.is(run.code, 1);
  t.is(run.stdout, '');
  t.regex(run.stderr, /^rsgo: An active API key with name 'taken' already exists\.\n {2}\(HTTP 400, DUPLICATE_NAME, request id [\w-]+\)\n$/);
});

test('missing or refused credentials exit 3, and the message says how to get a token', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const missing = await runCli(['keys', 'list'], { env: { RSGO_URL: auth.host.url } });
  t.is(missing.code, 3);
  t.is(missing.stderr, "rsgo: No session token: set RSGO_TOKEN or pass --token (get one with 'rsgo login').\n");

  const refused = await runCli(['keys', 'list', '--token', 'not-a-token', '--json'], { env: { RSGO_URL: auth.host.url } });
  t.is(refused.code, 3);
  t.like(refused.json(), { success: false, message: 'Sign-in required.', code: 'AUTH_REQUIRED' });
});

test('an unreachable host exits 4 and names the address', async (t) => {
  const run = await runCli(['env', 'list', '--url', 'http://127.0.0.1:9', '--token', 'x']);
  t.is(run.code, 4);
  t.is(run.stderr, 'rsgo: Cannot reach the host at http://127.0.0.1:9: connection refused.\n');
});

test('a wrong command line exits 2 and points at the command help', async (t) => {
  const unknownOption = await runCli(['keys', 'list', '--colour']);
  t.is(unknownOption.code, 2);
  t.regex(unknownOption.stderr, /^rsgo: Unknown option '--colour'/);
  t.regex(unknownOption.stderr, /Run 'rsgo keys list --help' for usage\.\n$/);

  const missingArgument = await runCli(['keys', 'create', '--permission', 'sync', '--token', 'x']);
  t.is(missingArgument.code, 2);
  t.is(missingArgument.stderr, "rsgo: Missing the key name.\nRun 'rsgo keys create --help' for usage.\n");

  const unknownCommand = await runCli(['keys', 'rotate']);
  t.is(unknownCommand.code, 2);
  t.regex(unknownCommand.stderr, /Unknown command 'rsgo keys rotate'; try create, list, revoke\./);
});
