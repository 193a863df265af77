import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { startKeyFlood, validKeyClient } from '../../bench/key-flood.js';
import { createKey, useAuthHost } from '../support/api-keys.js';
import { eventually } from '../support/host-process.js';

/** Open-loop rate of the flood: "thousands per second from one address". */
const FLOOD_RATE = 2_000;
const FLOOD_CONNECTIONS = 16;
/** Calls the valid pipeline makes while the flood runs. */
const VALID_CALLS = 300;

// How much the flood slows the valid pipeline, and the flood's own rate, are measured by
// `npm run bench` (group `trust`): a test on a shared machine asserts outcomes, not speed.
test('A flood of invalid keys from one address gets 401 then 429 while a valid key from another address keeps being served', async (t) => {
  const auth = await useAuthHost(t, 'sqlite');
  const key = await createKey(t, auth, { name: 'pipeline', permissions: ['Hooks.SyncSources'] });
  const client = validKeyClient(auth.host.url, key.fullKey);
  t.teardown(() => client.close());

  const flood = await startKeyFlood(`${auth.host.url}/api/hooks/redeploy`, '127.0.0.2', FLOOD_RATE, FLOOD_CONNECTIONS);
  t.teardown(() => void flood.process.kill('SIGKILL'));
  // The brake has engaged once as many refusals as it allows are on record.
  const rejectedRows = async () => Number((await auth.host.host.store('audit_events').where({ action: 'auth.rejected' }).count({ n: '*' }).first())?.['n']);
  await eventually('the brake to engage on the flooding address', 60_000, async () => ((await rejectedRows()) >= 10 ? true : undefined));
  const answers = await client.calls(VALID_CALLS);
  // The brake answers its refusals after a delay of 1 s. However quickly the valid calls went,
  // the flood stops sending and the refusals on their way arrive before it reports.
  flood.steer('pause');
  await sleep(2_000);
  const result = await flood.finish();

  t.log(`flood: ${result.sent} attempted, ${result.answered} answered ${JSON.stringify(result.statuses)}, errors ${JSON.stringify(result.errors)}`);
  t.deepEqual(
    answers.map((answer) => answer.status),
    Array(VALID_CALLS).fill(200),
    'every valid call succeeded',
  );
  const others = Object.keys(result.statuses).filter((status) => status !== '401' && status !== '429');
  t.deepEqual(others, [], `the flood got only 401 and 429: ${JSON.stringify(result.statuses)}`);
  t.true((result.statuses['429'] ?? 0) > 0, 'the brake refused the flood');
  t.is(result.statuses['401'], 10, 'only the failures up to the brake limit are looked up');
  // Only the keep-alive race of a client that idled past the server's timeout is allowed; a host
  // that dropped or reset requests under the flood would show here.
  const dropped = Object.entries(result.errors).filter(([reason]) => reason !== 'ECONNRESET on a reused connection');
  t.deepEqual(dropped, [], `no flood request was dropped or reset: ${JSON.stringify(result.errors)}`);

  // The audit trail records the failures that were looked up, not every refused request.
  t.is(await rejectedRows(), 10, 'audit rows for rejected keys: exactly the looked-up ones');
});
