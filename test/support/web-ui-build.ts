import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import config from '../../web/vite.config.js';

let built: Promise<string> | null = null;

/**
 * Builds `web/` with its Vite config into a temp folder, once per test process, so browser
 * tests always run the current sources, never a stale `dist/web`. The folder goes at exit.
 */
export function buildWebUi(): Promise<string> {
  built ??= (async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'rsgo-web-'));
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    await build({ ...config, configFile: false, logLevel: 'warn', build: { ...config.build, outDir, emptyOutDir: true } });
    return outDir;
  })();
  return built;
}
