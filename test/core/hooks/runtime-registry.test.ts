import test from 'ava';
import { z } from 'zod';
import { PluginError, UnavailableError } from '../../../core/errors.js';
import type { PlanEnvironment } from '../../../core/hooks/deploy-plan.js';
import type { RuntimeDefinition } from '../../../core/hooks/runtime.js';
import { RuntimeRegistry, type ServedRuntime } from '../../../core/hooks/runtime-registry.js';
import { createLogger } from '../../../core/logger.js';

const log = createLogger({ level: 'silent' });
const settings = z.object({ zone: z.string().min(1, 'must name a zone'), secret: z.string().default('none') });
const environment: PlanEnvironment = { id: 'env-1', name: 'edge', type: 'lab', settings: { zone: 'z1', secret: 'hush' } };
const deployment = { deploymentId: 'dep-1', stackName: 'shop' };

/** The runtime serving `lab` in `registry`. */
function labRuntime(registry: RuntimeRegistry): ServedRuntime {
  const runtime = registry.serving('lab');
  if (!runtime) throw new Error('no runtime serves lab');
  return runtime;
}

function lab(inspect: RuntimeDefinition<typeof settings>['inspect']): RuntimeDefinition<typeof settings> {
  return { type: 'lab', settings, publicSettings: (s) => ({ zone: s.zone }), inspect };
}

test('a runtime type is lower-case kebab and served by one plugin only', (t) => {
  const registry = new RuntimeRegistry();
  registry.register('lab-one', lab(async () => []), log);
  t.throws(() => registry.register('lab-two', lab(async () => []), log), { message: "environment type 'lab' is already served by plugin 'lab-one'" });
  t.throws(() => registry.register('odd', { ...lab(async () => []), type: 'Lab Type' }, log), {
    message: "runtime type 'Lab Type' must be 1 to 40 lower-case letters, digits or '-', starting with a letter",
  });
  t.deepEqual(registry.types(), ['lab']);
  t.is(registry.serving('lab')?.plugin, 'lab-one');
  t.is(registry.serving('docker'), null);
});

test("settings are the schema's output; its issues are a 400 naming each field, and only public ones are shown", (t) => {
  const registry = new RuntimeRegistry();
  registry.register('lab-one', lab(async () => []), log);
  const runtime = labRuntime(registry);
  t.deepEqual(runtime.validSettings({ zone: 'z1', extra: true }), { zone: 'z1', secret: 'none' });
  const error = t.throws(() => runtime.validSettings({ zone: '' }));
  t.is(error?.message, "Invalid settings for a 'lab' environment: zone: must name a zone.");
  t.like(error, { status: 400, code: 'ENVIRONMENT_SETTINGS' });
  t.deepEqual(runtime.publicSettings({ zone: 'z1', secret: 'hush' }), { zone: 'z1' });
  t.deepEqual(runtime.publicSettings({ zone: 42 }), {}, 'stored settings the schema no longer accepts show nothing');
});

test('inspect gets the typed settings; a deliberate error passes, anything else is a defect naming the plugin', async (t) => {
  const registry = new RuntimeRegistry();
  const seen: unknown[] = [];
  registry.register(
    'lab-one',
    lab(async (target) => {
      seen.push(target);
      if (target.stackName === 'down') throw new UnavailableError(`lab zone ${target.environment.settings.zone} is down`);
      if (target.stackName === 'buggy') throw new TypeError('x is undefined');
      return [];
    }),
    log,
  );
  const runtime = labRuntime(registry);
  const context = { signal: new AbortController().signal, log };
  t.deepEqual(await runtime.inspect(environment, deployment, context), []);
  t.deepEqual(seen[0], { environment: { ...environment, settings: { zone: 'z1', secret: 'hush' } }, deploymentId: 'dep-1', stackName: 'shop' });
  await t.throwsAsync(runtime.inspect(environment, { ...deployment, stackName: 'down' }, context), {
    instanceOf: UnavailableError,
    message: 'lab zone z1 is down',
  });
  const defect = await t.throwsAsync(runtime.inspect(environment, { ...deployment, stackName: 'buggy' }, context), { instanceOf: PluginError });
  t.is(defect?.message, "Plugin 'lab-one' failed in hook 'inspect': it threw TypeError; the host's log has the details");
});

test('the host stops waiting for an inspect that does not honour the abort', async (t) => {
  const registry = new RuntimeRegistry();
  registry.register('lab-one', lab(() => new Promise(() => undefined)), log);
  const controller = new AbortController();
  const call = labRuntime(registry).inspect(environment, deployment, { signal: controller.signal, log });
  controller.abort();
  const error = await t.throwsAsync(call, { instanceOf: PluginError });
  t.is(error?.message, "Plugin 'lab-one' failed in hook 'inspect': did not answer before the host stopped waiting");
  t.is(error?.code, 'PLUGIN_TIMEOUT');
});

test('control and logs reach the runtime with typed settings; a runtime without them is a 400, a defect names the plugin and the call', async (t) => {
  const context = { signal: new AbortController().signal, log };
  const bare = new RuntimeRegistry();
  bare.register('lab-one', lab(async () => []), log);
  t.false(labRuntime(bare).controls);
  t.throws(() => labRuntime(bare).control('stop', environment, deployment, context), { code: 'RUNTIME_UNSUPPORTED', message: "The runtime of 'lab' environments cannot stop containers." });
  t.throws(() => labRuntime(bare).logs(environment, { ...deployment, service: null, tail: 10, follow: false }, context), { code: 'RUNTIME_UNSUPPORTED' });

  const seen: string[] = [];
  const registry = new RuntimeRegistry();
  registry.register(
    'lab-one',
    {
      ...lab(async () => []),
      control: async (action, target) => {
        seen.push(`${action} ${target.environment.settings.secret} ${target.deploymentId}`);
        if (action === 'restart') throw new TypeError('boom');
        return [];
      },
      async *logs(request) {
        yield { service: request.service ?? 'all', stream: 'stdout', at: '2026-12-01T00:00:00.000Z', line: `tail ${request.tail}` };
        throw new RangeError('stream broke');
      },
    },
    log,
  );
  const runtime = labRuntime(registry);
  t.true(runtime.controls);
  t.deepEqual(await runtime.control('stop', environment, deployment, context), []);
  t.deepEqual(seen, ['stop hush dep-1']);
  const defect = await t.throwsAsync(runtime.control('restart', environment, deployment, context), { instanceOf: PluginError });
  t.is(defect?.message, "Plugin 'lab-one' failed in hook 'restart': it threw TypeError; the host's log has the details");
  const lines: string[] = [];
  const reading = (async () => {
    for await (const line of runtime.logs(environment, { ...deployment, service: 'web', tail: 3, follow: false }, context)) lines.push(`${line.service}: ${line.line}`);
  })();
  await t.throwsAsync(reading, { instanceOf: PluginError, message: "Plugin 'lab-one' failed in hook 'logs': it threw RangeError; the host's log has the details" });
  t.deepEqual(lines, ['web: tail 3']);
});
