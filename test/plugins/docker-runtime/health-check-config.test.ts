import test from 'ava';
import { healthCheckConfig } from '../../../plugins/docker-runtime/health-check-config.js';

const timing = { intervalMs: 5000, timeoutMs: 3000, retries: 4, startPeriodMs: 10_000 };

test('a docker check is passed as it is', (t) => {
  t.deepEqual(healthCheckConfig({ type: 'docker', test: ['CMD', 'pg_isready'], ...timing }), { test: ['CMD', 'pg_isready'], ...timing });
});

test('an http check probes 127.0.0.1 inside the container with wget or curl, the URL quoted', (t) => {
  const config = healthCheckConfig({ type: 'http', port: 8080, path: "health?who='me'", ...timing });
  t.like(config, timing);
  t.is(config.test[0], 'CMD-SHELL');
  t.true(config.test[1]?.includes(`exec wget -q -O /dev/null 'http://127.0.0.1:8080/health?who='\\''me'\\'''`));
  t.true(config.test[1]?.includes('exec curl -fsS -o /dev/null'));
});

test('a tcp check connects to 127.0.0.1 with nc or bash within the timeout', (t) => {
  const [kind, script] = healthCheckConfig({ type: 'tcp', port: 5432, path: '', ...timing }).test;
  t.is(kind, 'CMD-SHELL');
  t.true(script?.includes('nc -z -w 3 127.0.0.1 5432'));
  t.true(script?.includes('/dev/tcp/127.0.0.1/5432'));
});
