import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Commits as a fixed bench identity, whatever the machine's git config says. */
const identity = ['-c', 'user.name=rsgo bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false'];

async function git(cwd: string, ...args: string[]): Promise<void> {
  await run('git', [...identity, ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * Turns `folder` into a working copy whose `main` branch is pushed to a bare repository beside
 * it; returns the remote's `file://` URL, which a git source clones like any remote.
 */
export async function createGitRemote(folder: string): Promise<string> {
  const bare = `${folder}.git`;
  await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  await git(folder, 'init', '--quiet', '--initial-branch=main');
  await git(folder, 'add', '--all');
  await git(folder, 'commit', '--quiet', '--message', 'Generated catalog');
  await git(folder, 'push', '--quiet', bare, 'main');
  return `file://${bare}`;
}

/** Commits every change in the working copy `folder` and pushes it to its remote `url`. */
export async function pushChanges(folder: string, url: string): Promise<void> {
  await git(folder, 'commit', '--quiet', '--all', '--message', 'Change one manifest');
  await git(folder, 'push', '--quiet', url, 'main');
}
