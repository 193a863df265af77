import test, { type ExecutionContext } from 'ava';
import type { TestResponse } from '../../core/testing.js';
import { sharedDefaultBridge } from '../support/private-dockerd.js';
import { stackOnPrivateEngine } from '../support/private-engine-stack.js';
import { testImages } from '../support/test-images.js';

const images = testImages('reliability-engine-down');

function logAnswer(t: ExecutionContext, what: string, res: TestResponse): void {
  t.log(`${what}: ${res.status} ${String(res.body['code'])}: ${String(res.body['message'])}`);
}

test('A redeploy while the environment engine is stopped gets a 503 naming it, changes no record, and succeeds once the engine is back', async (t) => {
  const sharedBridge = await sharedDefaultBridge();
  t.not(sharedBridge.addresses.length, 0, `the shared engine's bridge ${sharedBridge.name} has an address before the test`);
  const { engine, redeploy, record } = await stackOnPrivateEngine(t, { images, environmentName: 'edge' });
  const before = await record();
  await engine.stop();

  const refused = await redeploy();
  logAnswer(t, 'engine stopped', refused);
  t.is(refused.status, 503, refused.text);
  t.regex(String(refused.body['message']), /^Docker engine of environment 'edge' is unreachable: /);
  const during = await record();
  t.log(JSON.stringify({ status: during.status, errorMessage: during.errorMessage, last: during.history.at(-1) }));
  t.is(during.status, before.status, 'the record keeps what it knew: nothing was changed');
  t.like(during.history.at(-1), { operation: 'redeploy', outcome: 'Failed' });

  await engine.start();
  const again = await redeploy();
  logAnswer(t, 'engine back', again);
  t.is(again.status, 200, again.text);
  const after = await record();
  t.is(after.status, 'Running');

  // Restarting the private engine must leave the shared engine's networking as it was.
  await engine.stop();
  t.deepEqual(await sharedDefaultBridge(), sharedBridge, "the shared engine's default bridge and its address are still there");
});
