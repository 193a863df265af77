import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
const repo = resolve('.');

/** npm without the network, prompts or notices: every step of a plugin's route works offline. */
export const offlineNpm = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

/** The host as a release has it on disk: compiled code, package.json and lock, its dependencies. */
export interface ReleasedHost {
  /** The package folder (`rsgo`), as it sits in an installation. */
  readonly root: string;
  /** A temp folder beside it, for the integrator's and the operator's folders. */
  readonly workDir: string;
  /** Runs the released `rsgo` command in `cwd`. */
  rsgo(cwd: string, ...args: string[]): Promise<{ stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

/**
 * Compiles the host into `<temp>/rsgo/dist` as `npm pack` would ship it, beside its package.json
 * and lock; its dependencies are this checkout's (linked, never changed).
 */
export async function releaseHost(): Promise<ReleasedHost> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-release-'));
  try {
    const root = join(dir, 'rsgo');
    await mkdir(root);
    await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(repo, 'tsconfig.build.json'), '--outDir', join(root, 'dist')], { cwd: repo });
    for (const file of ['package.json', 'package-lock.json']) await cp(join(repo, file), join(root, file));
    await symlink(join(repo, 'node_modules'), join(root, 'node_modules'));
    const workDir = join(dir, 'work');
    await mkdir(workDir);
    return {
      root,
      workDir,
      rsgo: (cwd, ...args) => run(process.execPath, [join(root, 'dist/cli/main.js'), ...args], { cwd }),
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Runs npm offline in `cwd`; resolves its stdout. */
export async function npm(cwd: string, ...args: string[]): Promise<string> {
  return (await run('npm', args, { cwd, env: offlineNpm, maxBuffer: 16 * 1024 * 1024 })).stdout;
}

/** `npm pack --json` in `cwd`: the tarball's path and the files it holds. */
export async function npmPack(cwd: string, destination: string): Promise<{ tarball: string; files: string[] }> {
  const stdout = await npm(cwd, 'pack', '--json', '--pack-destination', destination);
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
  return { tarball: join(destination, packed.filename), files: packed.files.map((file) => file.path).sort() };
}

/** An operator's folder beside the config file with the tarball installed by `npm install <tarball>`. */
export async function installBesideConfig(workDir: string, tarball: string): Promise<string> {
  const siteDir = await mkdtemp(join(workDir, 'site-'));
  await writeFile(join(siteDir, 'package.json'), JSON.stringify({ name: 'rsgo-site', private: true }));
  await npm(siteDir, 'install', tarball);
  return siteDir;
}
