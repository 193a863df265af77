import test from 'ava';
import { randomBytes } from 'node:crypto';
import { createKey } from '../support/api-keys.js';
import { useDeployHost } from '../support/deploy-host.js';
import { envPrintingProduct } from '../support/env-printing-product.js';
import { testImages } from '../support/test-images.js';
import { secretTraces, uniqueSecret } from '../support/unique-secret.js';

const images = testImages('password-redaction');

test.serial('a redeploy-only key reads no Password value from a failing redeploy: not in the answer, the log, the audit rows, the history or the progress', async (t) => {
  const image = await images.push('app');
  const host = await useDeployHost(t, { manifests: { 'leaky.yaml': envPrintingProduct('Leaky', image.ref) } });
  const deploy = async (DB_PASSWORD: string) => {
    const stackName = `leaky-${randomBytes(4).toString('hex')}`;
    const res = await host.admin('POST', '/api/deployments', { environmentId: host.environmentId, stackName, productId: 'com.example.leaky', variables: { DB_PASSWORD } });
    t.is(res.status, 201, res.text);
    return { stackName, deploymentId: String(res.body['deploymentId']) };
  };
  const adminSet = uniqueSecret('admin-set-db-password');
  const first = await deploy(adminSet);
  const key = await createKey(t, host, { name: 'pipeline', permissions: ['Hooks.Redeploy'], environmentId: host.environmentId });
  const redeploy = (body: Record<string, unknown>) => host.host.request('POST', '/api/hooks/redeploy', { apiKey: key.fullKey, body });

  // The container prints its environment and exits: the runtime relays its last log lines.
  const failed = await redeploy({ stackName: first.stackName, variables: { MODE: 'crash' } });
  t.is(failed.status, 400, failed.text);
  t.regex(String(failed.body['message']), /DB_PASSWORD=\*{8}/, 'the log lines were relayed, with the value hidden');
  // A new Password value sent with the call (the operation's pending value) is hidden as well.
  const second = await deploy(uniqueSecret('second-stack-db-password'));
  const sent = uniqueSecret('key-sent-db-password');
  const failedAgain = await redeploy({ stackName: second.stackName, variables: { MODE: 'crash', DB_PASSWORD: sent } });
  t.is(failedAgain.status, 400, failedAgain.text);
  t.regex(String(failedAgain.body['message']), /DB_PASSWORD=\*{8}/);

  const views = await Promise.all(
    [first, second].flatMap(({ deploymentId }) => [host.admin('GET', `/api/deployments/${deploymentId}`), host.admin('GET', `/api/deployments/${deploymentId}/progress`)]),
  );
  const audit = await host.admin('GET', '/api/audit?pageSize=200');
  t.is(audit.status, 200, audit.text);
  const places: Record<string, string> = {
    'the answers': failed.text + failedAgain.text,
    'the deployments, their history and progress': views.map((view) => view.text).join('\n'),
    'the audit rows': audit.text,
    'the host log': host.host.logs.join('\n'),
  };
  t.regex(views[0]?.text ?? '', /DB_PASSWORD=\*{8}/, 'the history quotes the log lines, hidden');
  t.true(host.host.logs.some((line) => line.includes('DB_PASSWORD=********')), 'the log quotes the log lines, hidden');
  for (const [where, text] of Object.entries(places)) {
    for (const secret of [adminSet, sent]) {
      t.false(secretTraces(secret).some((trace) => text.includes(trace)), `a Password value in ${where}`);
    }
  }
});
