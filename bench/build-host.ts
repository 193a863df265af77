import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Compiles the host as `npm run build` does, into `outDir` (inside the repository, so its
 * packages resolve), and returns the path of the process entry. Start-up is measured on this
 * compiled code, as production runs it, not through a TypeScript loader.
 */
export async function buildHost(outDir: string): Promise<string> {
  await promisify(execFile)(
    process.execPath,
    [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json', '--outDir', outDir, '--declaration', 'false'],
    { cwd: repoRoot },
  );
  return `${outDir}/core/main.js`;
}
