import test from 'ava';
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import { definePlugin } from '../../../core/plugin-api.js';
import { useTestHost } from '../../support/test-host.js';

/** A plugin whose setup never returns (it waits on a connection that never answers). */
const hanging = definePlugin({
  id: 'hanging',
  apiVersion: '1.0',
  options: z.strictObject({}),
  setup: () => new Promise<void>(() => undefined),
});

test('a setup that never returns stops the start after hooks.timeoutMs.setup, naming the plugin', async (t) => {
  const err = await t.throwsAsync(useTestHost(t, { config: { hooks: { timeoutMs: { setup: 200 } }, plugins: [{ use: 'hanging', name: 'stuck-db' }] }, plugins: { hanging } }), {
    instanceOf: ConfigError,
  });
  t.deepEqual(err?.problems, [
    'plugins[0] (hanging "stuck-db"): setup failed: did not finish within 200 ms (raise hooks.timeoutMs.setup or this plugin\'s timeoutMs.setup)',
  ]);
});

test("a plugin's own timeoutMs.setup overrides the host's", async (t) => {
  const err = await t.throwsAsync(
    useTestHost(t, { config: { hooks: { timeoutMs: { setup: 600_000 } }, plugins: [{ use: 'hanging', timeoutMs: { setup: 100 } }] }, plugins: { hanging } }),
    { instanceOf: ConfigError },
  );
  t.regex(err?.problems.join('\n') ?? '', /^plugins\[0\] \(hanging "hanging"\): setup failed: did not finish within 100 ms/);
});
