import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { parseConfig } from '../../core/config/load-config.js';
import { ConfigError } from '../../core/errors.js';
import { builtinPlugins } from '../../plugins/builtin-plugins.js';

const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');
const secrets = { RSGO_DB_URL: 'mysql://rsgo:secret@127.0.0.1:3306/rsgo', RSGO_TOKEN_SECRET: 'a'.repeat(40) };

test('the production config example is valid: MySQL from RSGO_DB_URL, behind a proxy, options every plugin accepts', async (t) => {
  const config = parseConfig(await read('config/production.example.yaml'), secrets);
  t.deepEqual(config.database, { client: 'mysql', url: secrets.RSGO_DB_URL });
  t.true(config.server.trustProxy);
  t.is(config.server.host, '127.0.0.1');
  t.is(config.auth.tokenSecret, secrets.RSGO_TOKEN_SECRET);
  for (const entry of config.plugins) {
    const plugin = builtinPlugins[entry.use];
    t.truthy(plugin, entry.use);
    t.true(plugin?.options.safeParse(entry.options ?? {}).success, entry.use);
  }
});

test('the production config example refuses to start without its secrets, naming them', async (t) => {
  const text = await read('config/production.example.yaml');
  const error = t.throws(() => parseConfig(text, {}), { instanceOf: ConfigError });
  t.regex(error?.message ?? '', /database\.url: environment variable RSGO_DB_URL is not set/);
  t.regex(error?.message ?? '', /auth\.tokenSecret: environment variable RSGO_TOKEN_SECRET is not set/);
});

test('the systemd unit runs rsgo serve with the production config, reloads with SIGHUP, stops with SIGTERM and is valid', async (t) => {
  const unit = await read('integrations/systemd/rsgo.service');
  t.regex(unit, /^ExecStart=\/usr\/bin\/env rsgo serve --config \/etc\/rsgo\/rsgo\.yaml$/m);
  t.regex(unit, /^EnvironmentFile=\/etc\/rsgo\/rsgo\.env$/m);
  t.regex(unit, /^KillSignal=SIGTERM$/m);
  t.regex(unit, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
  // 30 s of shutdown grace in the example config must fit in the stop timeout.
  t.true(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]) > 30);
  const verify = await promisify(execFile)('systemd-analyze', ['verify', new URL('../../integrations/systemd/rsgo.service', import.meta.url).pathname]).then(
    (result) => ({ code: 0, stderr: result.stderr }),
    (err: { code?: number | string; stderr?: string }) => ({ code: err.code, stderr: err.stderr ?? '' }),
  );
  if (verify.code === 'ENOENT') return t.log('systemd-analyze is not installed: the unit was only read, not verified');
  t.is(verify.code, 0, verify.stderr);
  t.is(verify.stderr, '');
});
