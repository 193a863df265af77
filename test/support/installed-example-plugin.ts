import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve('.');
const example = join(repo, 'examples/http-index-source');

/** npm without the network, prompts or notices. */
const npmEnv = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

/** The example plugin packed and installed by name into an operator's folder. */
export interface InstalledPlugin {
  /** The operator's folder: use it as the host's config folder. */
  readonly siteDir: string;
  /** The paths inside the tarball. */
  readonly packedFiles: readonly string[];
  /** Deletes every temp folder. */
  remove(): Promise<void>;
}

/**
 * What a released rsgo offers a plugin author at build time: the package's `exports` and the
 * declarations `rsgo/plugin` resolves to, emitted from the sources into `<dir>/rsgo/dist`.
 */
async function publishedRsgoTypes(dir: string): Promise<string> {
  const rsgo = join(dir, 'rsgo');
  await mkdir(rsgo, { recursive: true });
  await cp(join(repo, 'package.json'), join(rsgo, 'package.json'));
  await symlink(join(repo, 'node_modules'), join(rsgo, 'node_modules'));
  const tsconfig = join(dir, 'declarations.json');
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: join(repo, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        sourceMap: false,
        rootDir: repo,
        outDir: join(rsgo, 'dist'),
        typeRoots: [join(repo, 'node_modules/@types')],
      },
      files: [join(repo, 'core/plugin-api.ts')],
      include: [],
    }),
  );
  await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { cwd: repo });
  return rsgo;
}

/**
 * Does what an integrator and an operator do, offline: copies the example into its own
 * project with rsgo (declarations only) as the installed peer, runs `npm pack` there (whose
 * `prepack` type-checks and compiles it against those declarations), then installs the tarball
 * into an empty folder with `npm install <tarball>`. The installed plugin's `rsgo` is the host
 * under test, as it is beside a real installation.
 */
export async function installExamplePlugin(): Promise<InstalledPlugin> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-example-pack-'));
  try {
    const rsgoTypes = await publishedRsgoTypes(dir);

    const project = join(dir, 'project');
    await mkdir(join(project, 'node_modules/.bin'), { recursive: true });
    await mkdir(join(project, 'node_modules/@types'), { recursive: true });
    for (const entry of ['package.json', 'tsconfig.json', 'README.md', 'src']) await cp(join(example, entry), join(project, entry), { recursive: true });
    await symlink(rsgoTypes, join(project, 'node_modules/rsgo'));
    await symlink(join(repo, 'node_modules/typescript'), join(project, 'node_modules/typescript'));
    await symlink(join(repo, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'));
    await symlink('../typescript/bin/tsc', join(project, 'node_modules/.bin/tsc'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: project, env: npmEnv });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);

    const siteDir = join(dir, 'site');
    await mkdir(siteDir);
    await writeFile(join(siteDir, 'package.json'), JSON.stringify({ name: 'rsgo-site', private: true }));
    // rsgo is a peer the operator already has; npm must not try to fetch it.
    await run('npm', ['install', join(dir, packed.filename), '--legacy-peer-deps'], { cwd: siteDir, env: npmEnv });
    await symlink(repo, join(siteDir, 'node_modules/rsgo'));
    return { siteDir, packedFiles: packed.files.map((file) => file.path).sort(), remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
