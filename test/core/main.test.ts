import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs the real process entry through tsx with a config file; resolves its exit code and output. */
function startProcess(configPath: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import=tsx', 'core/main.ts', '--config', configPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, exited, output: () => output };
}

async function tempConfig(t: ExecutionContext, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-main-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'rsgo.yaml'), text);
  return join(dir, 'rsgo.yaml');
}

test('the process serves /healthz and stops cleanly on SIGTERM', async (t) => {
  const config = await tempConfig(t, 'server: { host: 127.0.0.1, port: 0 }\ndataDir: ./data\n');
  const proc = startProcess(config);
  t.teardown(() => void proc.child.kill('SIGKILL'));
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline) {
    url = /"url":"(http:[^"]+)"/.exec(proc.output())?.[1];
    if (!url) await new Promise((done) => setTimeout(done, 100));
  }
  t.truthy(url, proc.output());
  const res = await fetch(`${url}/healthz`);
  t.is(res.status, 200);
  proc.child.kill('SIGTERM');
  t.is(await proc.exited, 0);
  t.regex(proc.output(), /"signal":"SIGTERM"/);
});

test('an invalid config stops the start with every problem listed and a non-zero exit', async (t) => {
  const config = await tempConfig(t, 'server: { port: huge, colour: blue }\nplugins: [{ use: nope-not-installed }]\n');
  const proc = startProcess(config);
  t.is(await proc.exited, 1);
  const output = proc.output();
  t.regex(output, /^rsgo: Invalid configuration:/m);
  t.regex(output, /server\.port:/);
  t.regex(output, /server: unknown key\(s\) 'colour'/);
  t.notRegex(output, /    at /, 'no stack trace');
});

test('a secret from the environment never appears in the start-up output', async (t) => {
  const config = await tempConfig(t, 'database: { client: mysql, url: "${DB_URL}" }\nserver: { port: -1 }\n');
  const proc = startProcess(config, { DB_URL: 'mysql://rsgo:very-secret-pw@127.0.0.1:1/none' });
  t.is(await proc.exited, 1);
  t.false(proc.output().includes('very-secret-pw'));
});
