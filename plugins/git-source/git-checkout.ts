import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { UpstreamError } from '../../core/plugin-api.js';
import type { GitAccess } from './git-access.js';

export interface GitCheckoutOptions {
  /** The remote, without credentials. */
  readonly url: string;
  readonly branch: string;
  /** The working copy's folder; created by the first update. */
  readonly folder: string;
  readonly access: GitAccess;
  /** A git command that shows no progress for this long is killed. */
  readonly stallTimeoutMs: number;
}

/** Lock files a git process killed mid-way (abort, timeout, host stop) can leave behind. */
const staleLocks = ['index.lock', 'shallow.lock', 'HEAD.lock', 'config.lock'];

/** A full commit id: SHA-1, or SHA-256 in a repository that uses it. */
const commitId = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * git's own reason from its output: the `fatal:`/`error:` lines and their continuation lines,
 * without the progress chatter before them (which names local paths).
 */
function gitReason(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const first = lines.findIndex((line) => /^(fatal|error):/i.test(line));
  if (first === -1) return lines.at(-1) ?? 'no output';
  const reasons: string[] = [];
  for (const line of lines.slice(first)) {
    if (/^(fatal|error):/i.test(line)) reasons.push(line.replace(/^(fatal|error):\s*/i, ''));
    else if (!/^(hint|warning):/i.test(line)) reasons.push(`${reasons.pop() ?? ''} ${line}`.trim());
  }
  return reasons.join('; ');
}

/**
 * A shallow, single-branch working copy of one branch of a remote. The first update clones;
 * later ones fetch the branch and reset to it, so an update costs only what changed.
 */
export class GitCheckout {
  readonly #options: GitCheckoutOptions;
  /** The last update asked for, settled or not: the next one starts after it. */
  #last: Promise<unknown> = Promise.resolve();

  constructor(options: GitCheckoutOptions) {
    this.#options = options;
  }

  /**
   * Brings the working copy to the branch's latest commit and returns that commit's id.
   * Updates run one at a time: two syncs of the source at once (a webhook during a scheduled
   * sync, or a sync started while one cut off at its deadline winds down) would otherwise
   * clone, fetch and reset in the same folder together.
   */
  update(signal: AbortSignal): Promise<string> {
    const update = this.#last.then(() => this.#update(signal));
    this.#last = update.catch(() => undefined);
    return update;
  }

  async #update(signal: AbortSignal): Promise<string> {
    const { folder, url } = this.#options;
    if ((await this.#originOf(folder, signal)) === url) {
      await this.#fetch(signal);
    } else {
      // No checkout yet, a broken one, or one of another remote (the config changed): start over.
      await rm(folder, { recursive: true, force: true });
      await this.#clone(signal);
    }
    const commit = (await this.#run('rev-parse', signal, folder, (git) => git.revparse(['HEAD']))).trim();
    // Anything else would be stored as the source's revision and compared with the next one.
    if (!commitId.test(commit)) throw new UpstreamError('git rev-parse failed: it answered no commit id', { code: 'GIT_FAILED' });
    return commit;
  }

  async #originOf(folder: string, signal: AbortSignal): Promise<string | null> {
    const isCheckout = await stat(join(folder, '.git')).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!isCheckout) return null;
    try {
      return (await this.#run('config', signal, folder, (git) => git.raw(['config', '--get', 'remote.origin.url']))).trim();
    } catch (err) {
      // A cancelled sync is no sign of a broken checkout: it must not be deleted for it.
      if (signal.aborted) throw err;
      return null;
    }
  }

  async #clone(signal: AbortSignal): Promise<void> {
    const { folder, url, branch } = this.#options;
    // Clone beside the target and move it in place, so a failed clone leaves nothing half-made.
    const partial = `${folder}.partial-${randomBytes(4).toString('hex')}`;
    try {
      await this.#run('clone', signal, join(folder, '..'), (git) =>
        git.clone(url, partial, ['--depth', '1', '--single-branch', '--no-tags', '--branch', branch]),
      );
      await rename(partial, folder);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }

  async #fetch(signal: AbortSignal): Promise<void> {
    const { folder, branch } = this.#options;
    // Updates of this checkout never overlap (see `update`): any lock was left by a killed git.
    await Promise.all(staleLocks.map((lock) => rm(join(folder, '.git', lock), { force: true })));
    const tracking = `refs/remotes/origin/${branch}`;
    // An explicit refspec, so a branch changed in the config is fetched by the same checkout.
    await this.#run('fetch', signal, folder, (git) => git.raw(['fetch', '--depth', '1', '--no-tags', 'origin', `+refs/heads/${branch}:${tracking}`]));
    await this.#run('reset', signal, folder, (git) => git.raw(['reset', '--hard', '--quiet', tracking]));
    await this.#run('clean', signal, folder, (git) => git.raw(['clean', '-ffdxq']));
  }

  #git(baseDir: string, signal: AbortSignal): SimpleGit {
    const { access } = this.#options;
    return simpleGit({
      baseDir,
      abort: signal,
      // Finished only once git's output is closed. simple-git's default also finishes a command
      // 50 ms after the process exits, and on a busy host its output is often unread by then:
      // rev-parse answered '' and `config` nothing (so the checkout was cloned again).
      completion: { onExit: false },
      allowEnvironment: access.allowEnvironment,
      unsafe: { allowUnsafeConfigEnvCount: access.setsConfig },
    }).env(access.env);
  }

  /**
   * Runs one git step; a failure becomes an UpstreamError with git's reason, credentials scrubbed.
   * When the sync is cancelled or git shows no progress for the stall timeout, git is killed and
   * the step fails at once: a remote helper (git-remote-http) can outlive a killed git and hold
   * its output open, so waiting for that output to close could take forever.
   */
  async #run<T>(step: string, signal: AbortSignal, baseDir: string, action: (git: SimpleGit) => Promise<T>): Promise<T> {
    const { stallTimeoutMs, access } = this.#options;
    const stalled = new AbortController();
    let stallTimer: NodeJS.Timeout | undefined;
    let ended = false;
    const progressed = () => {
      clearTimeout(stallTimer);
      // A killed git's helper may still write after the step ended: that arms nothing.
      if (!ended) stallTimer = setTimeout(() => stalled.abort(), stallTimeoutMs);
    };
    const stop = AbortSignal.any([signal, stalled.signal]);
    progressed();
    try {
      const git = this.#git(baseDir, stop).outputHandler((_command, stdout, stderr) => {
        stdout.on('data', progressed);
        stderr.on('data', progressed);
      });
      return await Promise.race([
        action(git),
        new Promise<never>((_, reject) => stop.addEventListener('abort', () => reject(stop.reason), { once: true })),
      ]);
    } catch (err) {
      const reason = signal.aborted
        ? 'aborted (the sync was cancelled or timed out)'
        : stalled.signal.aborted
          ? `stopped after ${stallTimeoutMs / 1000} s without progress`
          : gitReason(err instanceof Error ? err.message : String(err));
      // No `cause`: the original error holds git's raw output, which must not travel further.
      throw new UpstreamError(access.scrub(`git ${step} failed: ${reason}`), { code: 'GIT_FAILED' });
    } finally {
      ended = true;
      clearTimeout(stallTimer);
    }
  }
}
