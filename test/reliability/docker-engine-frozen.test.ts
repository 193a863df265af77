import test from 'ava';
import { eventually } from '../support/host-process.js';
import { stackOnPrivateEngine } from '../support/private-engine-stack.js';
import { testImages } from '../support/test-images.js';

const images = testImages('reliability-engine-frozen');

test('an engine frozen after the old containers are removed: the redeploy answers, frees the stack, and nothing is created once the engine goes on', async (t) => {
  const { engine, deploymentId, redeploy, record } = await stackOnPrivateEngine(t, {
    images,
    environmentName: 'frozen',
    config: { deployments: { timeoutSeconds: 20, lockWaitSeconds: 5, leaseSeconds: 5 } },
  });
  const [old] = (await record()).services;
  const labelled = async (filter: string) => (await engine.docker('container', 'ls', '--all', '--quiet', '--no-trunc', '--filter', filter)).split('\n').filter(Boolean);

  const call = redeploy();
  await eventually('the old container to be removed', 120_000, async () =>
    (await labelled(`label=rsgo.deployment=${deploymentId}`)).includes(old?.containerId ?? '') ? undefined : true,
  );
  const frozenAt = (Date.now() / 1000).toFixed(3);
  engine.freeze();

  const answer = await call;
  t.log(`${answer.status} ${String(answer.body['code'])}: ${String(answer.body['message'])}`);
  t.true(answer.status >= 400, answer.text);
  t.regex(String(answer.body['message']), /deploy timeout of 20s passed/);
  // The runtime stopped on its own: the host did not have to cut it off and leave it running.
  t.notRegex(String(answer.body['message']), /did not stop within/);
  const during = await record();
  t.not(during.status, 'Redeploying');
  t.like(during.history.at(-1), { operation: 'redeploy', outcome: 'Failed' });
  // The stack is free again: a second call is not refused as busy (the engine still does not answer).
  const second = await redeploy();
  t.not(second.body['code'], 'STACK_BUSY', second.text);

  engine.thaw();
  const again = await redeploy();
  t.is(again.status, 200, again.text);
  const after = await record();
  t.is(after.status, 'Running');
  const recorded = after.services.map((s) => s.containerId).sort();
  t.deepEqual((await labelled(`label=rsgo.deployment=${deploymentId}`)).sort(), recorded, 'only the recorded containers are left');
  // Since the freeze the engine created the containers of the last redeploy and nothing the
  // abandoned redeploy asked for after it gave up. The one exception is a create request the
  // engine already held when it froze (the answer then says the service could not be created):
  // the engine carries it out on waking, and that container must be gone again (checked above).
  const events = await engine.docker(
    'events', '--since', frozenAt, '--until', String(Math.ceil(Date.now() / 1000) + 1),
    '--filter', 'type=container', '--filter', 'event=create', '--filter', `label=rsgo.deployment=${deploymentId}`, '--format', '{{.Actor.ID}}',
  );
  const created = events.split('\n').filter(Boolean);
  t.deepEqual(created.filter((id) => recorded.includes(id)).sort(), recorded);
  const createWasInFlight = /Service 'app' could not be created/.test(String(answer.body['message']));
  t.true(created.length - recorded.length <= (createWasInFlight ? 1 : 0), `created since the freeze: ${created.join(', ')}`);
});
