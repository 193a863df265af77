import test from 'ava';
import { loadConfig, parseConfig } from '../../../core/config/load-config.js';
import { ConfigError } from '../../../core/errors.js';

test('auth: has documented defaults', (t) => {
  const { auth } = parseConfig('', {});
  t.deepEqual(auth, { tokenTtlMinutes: 60, loginBrake: { maxFailures: 5, windowSeconds: 300, lockoutSeconds: 300 } });
});

test('auth: problems are reported with their path', (t) => {
  const err = t.throws(() => parseConfig('auth: { tokenSecret: short, tokenTtlMinutes: 0, loginBrake: { maxFailures: -1 }, colour: red }', {}), {
    instanceOf: ConfigError,
  });
  const problems = err?.problems.join('\n') ?? '';
  t.regex(problems, /auth\.tokenSecret: must be at least 32 characters/);
  t.regex(problems, /auth\.tokenTtlMinutes:/);
  t.regex(problems, /auth\.loginBrake\.maxFailures:/);
  t.regex(problems, /auth: unknown key\(s\) 'colour'/);
});

test('the shipped config enables api-key-auth', async (t) => {
  const { config } = await loadConfig('config/rsgo.yaml', {});
  t.true(config.plugins.some((p) => p.use === 'api-key-auth'));
  t.is(config.auth.tokenTtlMinutes, 60);
});
