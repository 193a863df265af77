import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli.js';

async function tempConfig(t: ExecutionContext, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-serve-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'rsgo.yaml'), text);
  return join(dir, 'rsgo.yaml');
}

test('rsgo serve runs the host: it serves /healthz and stops cleanly on SIGTERM', async (t) => {
  const config = await tempConfig(t, 'server: { host: 127.0.0.1, port: 0 }\ndataDir: ./data\n');
  const child = spawn(process.execPath, ['--import=tsx', 'cli/main.ts', 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline) {
    url = /"url":"(http:[^"]+)"/.exec(output)?.[1];
    if (!url) await new Promise((done) => setTimeout(done, 100));
  }
  t.truthy(url, output);
  t.is((await fetch(`${url}/healthz`)).status, 200);
  child.kill('SIGTERM');
  t.is(await exited, 0);
});

test('rsgo serve with an invalid config exits 1 and lists the problems without a stack trace', async (t) => {
  const config = await tempConfig(t, 'server: { port: huge }\n');
  const run = await runCli(['serve', '--config', config]);
  t.is(run.code, 1);
  t.regex(run.stderr, /^rsgo: Invalid configuration: server\.port: /);
  t.notRegex(run.stderr, /    at /);
});
