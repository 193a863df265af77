import test from 'ava';
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitAccess } from '../../../plugins/git-source/git-access.js';
import { GitCheckout } from '../../../plugins/git-source/git-checkout.js';
import { createGitRemote } from '../../support/git-remotes.js';
import { singleStackProduct } from '../../support/product-manifests.js';

const run = promisify(execFile);

test('Output that git hands over only after it has exited is still read in full', async (t) => {
  const remote = await createGitRemote(t);
  const first = await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
  const root = await mkdtemp(join(tmpdir(), 'rsgo-checkout-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));

  // A `git` first on the PATH that exits at once and writes its output a moment later: what a
  // busy host sees when it reads a finished git's output late.
  const realGit = join((await run('git', ['--exec-path'])).stdout.trim(), 'git');
  const bin = join(root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'git'), `#!/bin/sh\nout=$("${realGit}" "$@")\ncode=$?\n(sleep 0.3; printf '%s\\n' "$out") &\nexit $code\n`, { mode: 0o755 });
  const plain = gitAccess({ sslVerify: true });
  const folder = join(root, 'checkout');
  const checkout = new GitCheckout({
    url: remote.fileUrl,
    branch: 'main',
    folder,
    access: { ...plain, env: { ...plain.env, PATH: `${bin}:${plain.env['PATH'] ?? ''}` } },
    stallTimeoutMs: 60_000,
  });
  const signal = new AbortController().signal;

  t.is(await checkout.update(signal), first, 'the commit id of the clone');
  // A file git does not know: it survives a fetch, not a fresh clone.
  const marker = join(folder, '.git', 'not-a-fresh-clone');
  await writeFile(marker, '');
  const second = await remote.commit({ 'shop.yaml': singleStackProduct('Shop', '1.1.0') });
  t.is(await checkout.update(signal), second, 'the commit id after a fetch');
  await t.notThrowsAsync(access(marker), 'the remote of the checkout was read, so it was updated in place');
});
