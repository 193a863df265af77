import test from 'ava';
import { runCli } from '../support/run-cli.js';
import { useScriptedServer } from '../support/scripted-server.js';

// A scripted server, not a real host: the retry policy is about a given order of faults (503,
// 502, a dropped connection, then success) and about the headers the client sends, and a real
// host cannot produce those faults on demand. That a 400 and a 500 of a real host are not
// retried, and what it answers to each hook, is tested in hook-command.test.ts.

// Serial: every run starts a Node process, and on a busy machine a crowd of them at once only
// makes each slower; one at a time, each test reports as soon as it is done.

const API_KEY = 'rsgo_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
/** Fast retries: the policy is what is tested here, not the default delays. */
const fastRetries = ['--retry-delay', '20'];
const unavailable = { status: 503, body: { success: false, message: 'The database is unavailable; try again shortly.', code: 'DATABASE_UNAVAILABLE' } };
const synced = { status: 200, body: { success: true, stacksLoaded: 2, sourcesSynced: 1, message: 'Synced 1 source(s), loaded 2 stack(s).' } };

test.serial('503 twice then 200: the third attempt succeeds, each retry is logged, the key goes in the header only', async (t) => {
  const server = await useScriptedServer(t, [unavailable, unavailable, synced]);
  const run = await runCli(['hook', 'sync', ...fastRetries], { env: { RSGO_URL: server.url, RSGO_API_KEY: API_KEY } });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, 'Synced 1 source(s), loaded 2 stack(s).\n');
  t.is(server.requests.length, 3);
  t.regex(run.stderr, /rsgo: attempt 1 of 5 failed \(HTTP 503 Service Unavailable: The database is unavailable; try again shortly\.\); retrying in /);
  t.regex(run.stderr, /rsgo: attempt 2 of 5 failed/);
  for (const request of server.requests) {
    t.is(request.method, 'POST');
    t.is(request.url, '/api/hooks/sync-sources');
    t.is(request.headers['x-api-key'], API_KEY);
  }
});

test.serial('a 502 from a proxy is retried as well', async (t) => {
  const server = await useScriptedServer(t, [{ status: 502 }, synced]);
  const run = await runCli(['hook', 'sync', ...fastRetries], { env: { RSGO_URL: server.url, RSGO_API_KEY: API_KEY } });
  t.is(run.code, 0, run.stderr);
  t.is(server.requests.length, 2);
  t.regex(run.stderr, /attempt 1 of 5 failed \(HTTP 502 Bad Gateway\)/);
});

test.serial('Retry-After is waited for instead of the backoff', async (t) => {
  const server = await useScriptedServer(t, [{ ...unavailable, headers: { 'retry-after': '1' } }, synced]);
  const run = await runCli(['hook', 'sync', '--retry-delay', '0'], { env: { RSGO_URL: server.url, RSGO_API_KEY: API_KEY } });
  t.is(run.code, 0, run.stderr);
  const [first, second] = server.requests;
  t.true((second?.at ?? 0) - (first?.at ?? 0) >= 1_000, 'waited a second');
  t.regex(run.stderr, /retrying in 1\.0s/);
});

test.serial('a host that stays unavailable is given up after --attempts, exit 4', async (t) => {
  const server = await useScriptedServer(t, [unavailable]);
  const run = await runCli(['hook', 'sync', '--attempts', '3', ...fastRetries, '--json'], { env: { RSGO_URL: server.url, RSGO_API_KEY: API_KEY } });
  t.is(run.code, 4);
  t.is(server.requests.length, 3);
  t.like(run.json(), { success: false, code: 'DATABASE_UNAVAILABLE' });
  t.regex(run.stderr, /attempt 2 of 3 failed/);
  t.notRegex(run.stderr, /attempt 3 of 3 failed/);
});

test.serial('a refused connection is retried until the attempts run out, exit 4', async (t) => {
  const run = await runCli(['hook', 'sync', ...fastRetries], {
    env: { RSGO_URL: 'http://127.0.0.1:9', RSGO_API_KEY: API_KEY, RSGO_RETRY_ATTEMPTS: '2' },
  });
  t.is(run.code, 4);
  t.regex(run.stderr, /rsgo: attempt 1 of 2 failed \(Cannot reach the host at http:\/\/127\.0\.0\.1:9: connection refused\.\); retrying in /);
  t.regex(run.stderr, /rsgo: Cannot reach the host at http:\/\/127\.0\.0\.1:9: connection refused\.\n$/);
});

test.serial('a connection dropped before the answer is retried', async (t) => {
  const server = await useScriptedServer(t, ['drop', synced]);
  const run = await runCli(['hook', 'sync', ...fastRetries], { env: { RSGO_URL: server.url, RSGO_API_KEY: API_KEY } });
  t.is(run.code, 0, run.stderr);
  t.is(server.requests.length, 2);
  t.regex(run.stderr, /attempt 1 of 5 failed \(The connection to http:\/\/127\.0\.0\.1:\d+ was closed before the host answered\.\)/);
  // The retry carries the first attempt's Idempotency-Key: the host replays instead of running twice.
  const [first, retry] = server.requests.map((request) => request.headers['idempotency-key']);
  t.regex(String(first), /^rsgo-[0-9a-f-]{36}$/);
  t.is(retry, first);
});

test.serial('the Idempotency-Key comes from the CI run: the same call in the same run gets the same key, another call or attempt another', async (t) => {
  const server = await useScriptedServer(t, [synced, synced, synced, synced, synced]);
  const github = { RSGO_URL: server.url, RSGO_API_KEY: API_KEY, GITHUB_RUN_ID: '9001', GITHUB_RUN_ATTEMPT: '1' };
  for (const env of [github, github, { ...github, GITHUB_RUN_ATTEMPT: '2' }, { RSGO_URL: server.url, RSGO_API_KEY: API_KEY, CI_JOB_ID: '77' }]) {
    t.is((await runCli(['hook', 'sync'], { env })).code, 0);
  }
  t.is((await runCli(['hook', 'sync', '--idempotency-key', 'release-42'], { env: github })).code, 0);
  const keys = server.requests.map((request) => String(request.headers['idempotency-key']));
  t.regex(keys[0] ?? '', /^rsgo-github-9001-1-[0-9a-f]{16}$/);
  t.is(keys[1], keys[0]);
  t.regex(keys[2] ?? '', /^rsgo-github-9001-2-/);
  t.regex(keys[3] ?? '', /^rsgo-gitlab-77-/);
  t.is(keys[4], 'release-42');
});

test.serial('an upgrade whose answer was lost counts as done when the retry finds the target version running', async (t) => {
  const already = { status: 400, body: { success: false, message: 'Already running version 6.5.0.', code: 'ALREADY_RUNNING' } };
  const server = await useScriptedServer(t, ['drop', already]);
  const run = await runCli(['hook', 'upgrade', '--stack', 'shop', '--version', '6.5.0', ...fastRetries], { env: { RSGO_URL: server.url, RSGO_API_KEY: API_KEY } });
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, "'shop' runs 6.5.0: the upgrade was carried out by an earlier attempt whose answer was lost.\n");

  // Without a lost answer before it, the same 400 is the caller's mistake and fails the step.
  const plain = await useScriptedServer(t, [already]);
  const direct = await runCli(['hook', 'upgrade', '--stack', 'shop', '--version', '6.5.0'], { env: { RSGO_URL: plain.url, RSGO_API_KEY: API_KEY } });
  t.is(direct.code, 1);
  t.regex(direct.stderr, /rsgo: Already running version 6\.5\.0\.\n/);
});

test.serial('a base URL with a path prefix (behind a proxy) keeps the prefix', async (t) => {
  const server = await useScriptedServer(t, [synced]);
  const run = await runCli(['hook', 'sync', '--url', `${server.url}/rsgo/`], { env: { RSGO_API_KEY: API_KEY } });
  t.is(run.code, 0, run.stderr);
  t.is(server.requests[0]?.url, '/rsgo/api/hooks/sync-sources');
});
