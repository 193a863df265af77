import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLUGIN_API_VERSION } from '../../core/plugin-api.js';
import { CliError, UsageError } from '../cli-error.js';
import { commonOptions, type CommandGroup } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { pluginIdOf, scaffoldFiles, scaffoldHooks, type ScaffoldHook } from '../plugin-scaffold.js';
import { toolchainLock } from '../toolchain-lock.js';

/** What a plugin package develops with: the versions this host itself is built and tested with. */
const toolchainPackages = ['typescript', 'tsx', 'ava', '@types/node'] as const;

interface HostPackage {
  readonly root: string;
  readonly version: string;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** The host's package folder: the outermost folder above this module whose package.json is rsgo's. */
async function hostPackage(): Promise<HostPackage> {
  let found: HostPackage | null = null;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(await readFile(file, 'utf8')) as { name?: string; version?: string; devDependencies?: Record<string, string> };
      if (manifest.name === 'rsgo') found = { root: dir, version: manifest.version ?? '0.0.0', devDependencies: manifest.devDependencies ?? {} };
    }
    if (dirname(dir) === dir) break;
  }
  if (!found) throw new CliError('Cannot find the rsgo package this command belongs to.', ExitCode.failed, { code: 'NO_HOST_PACKAGE' });
  return found;
}

const packageNamePattern = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** `rsgo plugin new`: a plugin package, outside this host, that plain npm installs, tests and packs. */
export const pluginCommands: CommandGroup = {
  name: 'plugin',
  summary: 'write plugins of your own',
  commands: [
    {
      name: 'new',
      summary: 'write a new plugin package tapping one hook',
      args: ['<package-name>'],
      description:
        'Writes a package (TypeScript source, a test with rsgo/testing, package.json, tsconfig.json, README) into a new folder. ' +
        'Then: npm install, npm test, npm pack; beside the host\'s config file, npm install <tarball> and enable it by its package name. ' +
        'The plugin id is the package name without its scope and an "rsgo-plugin-" prefix.',
      options: {
        hook: { type: 'string', valueName: scaffoldHooks.join('|'), description: 'the hook the plugin taps' },
        dir: { type: 'string', valueName: 'folder', description: 'where to write it (default: ./<package-name>); must be empty or absent' },
        ...commonOptions,
      },
      examples: ['rsgo plugin new rsgo-plugin-registry-policy --hook beforeDeploy', 'rsgo plugin new @acme/rsgo-plugin-mariadb-source --hook catalogSource --dir ./mariadb-source'],
      async run(input) {
        const packageName = input.argument(0, 'the package name');
        if (!packageNamePattern.test(packageName)) throw new UsageError(`Invalid package name '${packageName}': lower case letters, digits, '.', '_' and '-', optionally @scope/.`);
        const hook = input.required('hook');
        if (!(scaffoldHooks as readonly string[]).includes(hook)) throw new UsageError(`Invalid --hook '${hook}': expected one of ${scaffoldHooks.join(', ')}.`);
        const folder = resolve(input.string('dir') ?? packageName.replace(/^@[^/]+\//, ''));
        if (existsSync(folder) && (await readdir(folder)).length > 0) {
          throw new CliError(`${folder} is not empty: choose another --dir.`, ExitCode.failed, { code: 'FOLDER_NOT_EMPTY' });
        }

        const host = await hostPackage();
        const toolchain = Object.fromEntries(toolchainPackages.map((name) => [name, host.devDependencies[name] ?? 'latest']));
        const files = scaffoldFiles({
          packageName,
          hook: hook as ScaffoldHook,
          apiVersion: PLUGIN_API_VERSION,
          hostVersion: host.version,
          hostDependency: `file:${relative(folder, host.root) || '.'}`,
          toolchain,
        });
        for (const [path, text] of Object.entries(files)) {
          await mkdir(dirname(join(folder, path)), { recursive: true });
          await writeFile(join(folder, path), text);
        }
        // With the host's own lock, npm installs the toolchain from its cache (offline too).
        const hostLock = join(host.root, 'package-lock.json');
        const lock = existsSync(hostLock) ? toolchainLock(JSON.parse(await readFile(hostLock, 'utf8')), packageName, '0.1.0', toolchainPackages) : null;
        if (lock) await writeFile(join(folder, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);

        const id = pluginIdOf(packageName);
        if (input.json) return input.printJson({ success: true, folder, packageName, pluginId: id, hook, files: [...Object.keys(files), ...(lock ? ['package-lock.json'] : [])] });
        input.out(`Wrote plugin '${id}' (${hook}) to ${folder}.`);
        input.note(`Next: cd ${relative(resolve(), folder) || '.'} && npm install && npm test && npm pack`);
      },
    },
  ],
};
