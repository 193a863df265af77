import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docker } from './docker-cli.js';

/** The registry the test host runs; the engine allows it without TLS. */
export const TEST_REGISTRY = '127.0.0.1:5000';

/** BusyBox applets linked into every test image. */
const applets = ['sh', 'sleep', 'httpd', 'wget', 'nc', 'env', 'cat', 'echo', 'ls', 'id', 'pwd', 'test', 'true', 'false', 'touch', 'mkdir', 'date', 'kill'];

/** An image in the test registry. */
export interface TestImage {
  /** `127.0.0.1:5000/rsgo-test/<scope>/<name>:<tag>`. */
  readonly ref: string;
  /** The image id (`sha256:...`) that a pull of `ref` gives. */
  readonly id: string;
  /** What `/variant` in the image contains. */
  readonly variant: string;
}

/** Pushes BusyBox images for one test file. */
export interface TestImages {
  /**
   * Builds a BusyBox image whose `/variant` holds `variant` (default `base`) and pushes it as
   * `<name>:<tag>` (default tag `1`). Pushing another variant under the same tag replaces what
   * the registry serves, with a new image id. The local copy is removed after the push, so the
   * only way to run the image is to pull it.
   */
  push(name: string, options?: { tag?: string; variant?: string }): Promise<TestImage>;
  /** A reference in this scope that was never pushed (a pull of it fails). */
  unpushed(name: string): string;
}

/**
 * Test images under `rsgo-test/<scope>/`: one scope per test file, so files can run in parallel
 * without pushing over each other. Within a run, pushing the same name, tag and variant again
 * is answered from a cache.
 */
export function testImages(scope: string): TestImages {
  const pushed = new Map<string, Promise<TestImage>>();
  const repository = (name: string) => `${TEST_REGISTRY}/rsgo-test/${scope}/${name}`;
  return {
    push(name, options = {}) {
      const ref = `${repository(name)}:${options.tag ?? '1'}`;
      const variant = options.variant ?? 'base';
      const previous = pushed.get(ref);
      // One chain per reference: the registry holds one image per tag, so pushes must not overlap.
      const next = (previous ?? Promise.resolve(null)).catch(() => null).then((current) =>
        current?.variant === variant ? current : buildAndPush(ref, variant),
      );
      pushed.set(ref, next);
      return next;
    },
    unpushed(name) {
      return `${repository(name)}:never-pushed-${Math.random().toString(36).slice(2, 10)}`;
    },
  };
}

async function buildAndPush(ref: string, variant: string): Promise<TestImage> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-image-'));
  try {
    const root = join(dir, 'root');
    for (const folder of ['bin', 'tmp', 'www', 'data', 'etc']) await mkdir(join(root, folder), { recursive: true });
    await chmod(join(root, 'tmp'), 0o1777);
    await cp('/bin/busybox', join(root, 'bin', 'busybox'));
    for (const applet of applets) await symlink('busybox', join(root, 'bin', applet));
    await writeFile(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n');
    await writeFile(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    await writeFile(join(root, 'variant'), `${variant}\n`);
    await writeFile(join(root, 'www', 'index.html'), `${variant}\n`);
    // A reproducible archive: the same variant gives the same layer, which the registry stores once.
    const archive = join(dir, 'image.tar');
    await promisify(execFile)('tar', [
      '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', root, '-cf', archive, '.',
    ]);
    await docker('import', '--change', 'CMD ["sh"]', '--change', 'ENV PATH=/bin', archive, ref);
    await docker('push', ref);
    const id = await docker('image', 'inspect', '--format', '{{.Id}}', ref);
    // Forced: an older image under this tag may still be used by a container; only the tag goes.
    await docker('image', 'rm', '--force', ref);
    return { ref, id, variant };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
