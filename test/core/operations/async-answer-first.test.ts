import test from 'ava';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import type { WebhookHandlers } from '../../../core/triggers/webhook-handlers.js';
import { createKey, defaultEnvironmentId, useAuthHost } from '../../support/api-keys.js';
import { emptyWebhookHandlers } from '../../support/empty-webhook-handlers.js';

/** Node publishes every response the server finished writing on this channel. */
const RESPONSE_FINISHED = 'http.server.response.finish';

test('an asynchronous hook writes its 202 before its work begins, so the work adds nothing to the answer', async (t) => {
  const answered = new Set<string>();
  const onFinished = (message: unknown) => {
    const location = (message as { response: ServerResponse }).response.getHeader('location');
    if (typeof location === 'string') answered.add(location);
  };
  subscribe(RESPONSE_FINISHED, onFinished);
  t.teardown(() => unsubscribe(RESPONSE_FINISHED, onFinished));

  const begun: Array<{ operationId: string; answeredBefore: boolean }> = [];
  const handlers: WebhookHandlers = {
    ...emptyWebhookHandlers,
    redeploy(input, caller) {
      const operationId = caller.operationId ?? '';
      begun.push({ operationId, answeredBefore: answered.has(`/api/operations/${operationId}`) });
      const stackName = input.target.kind === 'stack' ? input.target.stackName : '';
      return Promise.resolve({ message: `Successfully triggered redeploy of '${stackName}'.`, stackName, stackVersion: '1.0.0' });
    },
  };
  const auth = await useAuthHost(t, 'sqlite', { webhookHandlers: handlers });
  const key = await createKey(t, auth, { name: 'ci', permissions: ['Hooks.Redeploy'], environmentId: await defaultEnvironmentId(auth) });

  for (let call = 0; call < 5; call++) {
    const accepted = await auth.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body: { stackName: 'web' }, headers: { prefer: 'respond-async' } });
    t.is(accepted.status, 202, accepted.text);
    const operationId = String(accepted.body['operationId']);
    t.like(await auth.host.host.journal.waitFinished(operationId), { status: 'Succeeded', httpStatus: 200 });
    t.deepEqual(begun.at(-1), { operationId, answeredBefore: true });
  }
});
