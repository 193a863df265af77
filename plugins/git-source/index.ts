import { join, posix } from 'node:path';
import { z } from 'zod';
import { definePlugin, directorySourceFiles, errorMessage } from '../../core/plugin-api.js';
import { gitAccess } from './git-access.js';
import { GitCheckout } from './git-checkout.js';

const remoteSchemes = ['https:', 'http:', 'git:', 'file:'];

const url = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a URL: https://, http://, git:// or file://' });
      return;
    }
    if (!remoteSchemes.includes(parsed.protocol)) {
      ctx.addIssue({ code: 'custom', message: `scheme '${parsed.protocol}' is not supported; use https://, http://, git:// or file://` });
    }
    // The URL is shown in logs and git's messages: credentials there would leak.
    if (parsed.username !== '' || parsed.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials; use the username and password options' });
    }
  });

const branch = z
  .string()
  .min(1)
  .refine((value) => /^[^-\s~^:?*[\\][^\s~^:?*[\\]*$/.test(value) && !value.includes('..') && !value.endsWith('/') && !value.endsWith('.lock'), {
    message: 'is not a valid branch name',
  });

const folderInRepository = z
  .string()
  .default('')
  .transform((value) => posix.normalize(value.trim() || '.').replace(/\/+$/, ''))
  .refine((value) => !posix.isAbsolute(value) && value !== '..' && !value.startsWith('../'), {
    message: 'must be a folder inside the repository (relative, without ..)',
  });

/** Catalog source: the manifests in one branch of a Git repository. */
export default definePlugin({
  id: 'git-source',
  apiVersion: '1.0',
  version: '1.0.0',
  options: z
    .strictObject({
      /** https://, http://, git:// or file:// remote, without credentials. */
      url,
      branch: branch.default('main'),
      /** Folder inside the repository holding the manifests; the repository root by default. */
      path: folderInRepository,
      /** File-name globs separated by `;`. */
      filePattern: z.string().min(1).default('*.yml;*.yaml'),
      /** For http(s) remotes; an empty string counts as not set (`${GIT_USER:-}`). */
      username: z.string().optional(),
      password: z.string().optional(),
      /** `false` accepts any TLS certificate (self-signed test servers only). */
      sslVerify: z.boolean().default(true),
      /** A git command that shows no progress for this long is stopped. */
      stallTimeoutSeconds: z.number().int().positive().default(120),
    })
    .superRefine((options, ctx) => {
      const hasUser = Boolean(options.username);
      const hasPassword = Boolean(options.password);
      if (hasUser !== hasPassword) {
        ctx.addIssue({ code: 'custom', path: [hasUser ? 'password' : 'username'], message: 'username and password go together' });
      }
      if (hasUser && hasPassword && !/^https?:/i.test(options.url)) {
        ctx.addIssue({ code: 'custom', path: ['username'], message: 'credentials are only sent to http(s) remotes' });
      }
    }),
  setup({ options, dataDir, hooks, log }) {
    const folder = join(dataDir, 'checkout');
    const access = gitAccess({ username: options.username, password: options.password, sslVerify: options.sslVerify });
    const checkout = new GitCheckout({ url: options.url, branch: options.branch, folder, access, stallTimeoutMs: options.stallTimeoutSeconds * 1000 });

    hooks.catalogSource.tap(async (request) => {
      const commit = await checkout.update(request.signal);
      // The commit the catalog already holds: nothing to list or parse again.
      if (commit === request.previousRevision) return { unchanged: true };
      log.info({ branch: options.branch, commit }, 'checked out');
      const root = join(folder, ...options.path.split('/'));
      const files = await directorySourceFiles(root, { filePattern: options.filePattern, signal: request.signal, displayPath: options.path }).catch(
        (err: unknown) => {
          throw new Error(`${errorMessage(err)} in branch '${options.branch}'`);
        },
      );
      return { files: files.files, read: files.read, revision: commit };
    });
  },
});
