import { randomBytes } from 'node:crypto';
import { chmod, link, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/** File in the data folder holding the generated signing secret. */
export const TOKEN_SECRET_FILE = 'token-secret';
/** Shortest accepted secret, in characters. */
export const MIN_TOKEN_SECRET_LENGTH = 32;

async function readSecretFile(path: string): Promise<string> {
  // Owner-only, whatever the file was left at.
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  const secret = (await readFile(path, 'utf8')).trim();
  if (secret.length < MIN_TOKEN_SECRET_LENGTH) {
    throw new ConfigError([`${path}: the token signing secret is shorter than ${MIN_TOKEN_SECRET_LENGTH} characters; delete the file to generate a new one`]);
  }
  return secret;
}

/**
 * The key that signs session tokens: `auth.tokenSecret` when configured, else a random secret
 * generated on first start and kept in the data folder (mode 0600), so tokens survive restarts.
 */
export async function loadTokenSecret(configured: string | undefined, dataDir: string): Promise<Uint8Array> {
  if (configured !== undefined) return new TextEncoder().encode(configured);
  const path = join(dataDir, TOKEN_SECRET_FILE);
  try {
    return new TextEncoder().encode(await readSecretFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Written aside, then linked into place: a second host starting at once never reads half a file.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temp, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(temp, { force: true });
  }
  return new TextEncoder().encode(await readSecretFile(path));
}
