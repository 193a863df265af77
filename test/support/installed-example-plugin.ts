import { cp, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { toolchainLock } from '../../cli/toolchain-lock.js';
import { installBesideConfig, npm, npmPack, releaseHost } from './released-host.js';

const example = resolve('examples/http-index-source');

/** The example plugin packed and installed by name into an operator's folder. */
export interface InstalledPlugin {
  /** The operator's folder: use it as the host's config folder. */
  readonly siteDir: string;
  /** The paths inside the tarball. */
  readonly packedFiles: readonly string[];
  /** What the example's own `npm test` printed. */
  readonly testOutput: string;
  /** Deletes every temp folder. */
  remove(): Promise<void>;
}

/**
 * Does what an integrator and an operator do, offline and with plain npm: the example copied
 * into its own folder outside this repository, its `rsgo` development dependency pointing at a
 * released host (as `file:../..` points at this checkout), the toolchain lock `rsgo plugin new`
 * writes; then `npm install`, `npm test`, `npm pack`, and `npm install <tarball>` beside a config.
 */
export async function installExamplePlugin(): Promise<InstalledPlugin> {
  const release = await releaseHost();
  try {
    const project = join(release.workDir, 'http-index-source');
    for (const entry of ['package.json', 'tsconfig.json', 'README.md', 'src', 'test']) await cp(join(example, entry), join(project, entry), { recursive: true });
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { name: string; version: string; devDependencies: Record<string, string> };
    manifest.devDependencies['rsgo'] = `file:${release.root}`;
    await writeFile(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    const hostLock = JSON.parse(await readFile(join(release.root, 'package-lock.json'), 'utf8')) as Parameters<typeof toolchainLock>[0];
    const toolchain = Object.keys(manifest.devDependencies).filter((name) => name !== 'rsgo');
    const lock = toolchainLock(hostLock, manifest.name, manifest.version, toolchain);
    if (!lock) throw new Error(`the host's lock lacks one of ${toolchain.join(', ')}`);
    await writeFile(join(project, 'package-lock.json'), JSON.stringify(lock));

    await npm(project, 'install');
    const testOutput = await npm(project, 'test');
    const { tarball, files } = await npmPack(project, release.workDir);
    const siteDir = await installBesideConfig(release.workDir, tarball);
    return { siteDir, packedFiles: files, testOutput, remove: () => release.remove() };
  } catch (err) {
    await release.remove();
    throw err;
  }
}
