import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs the `docker` command line client and returns its trimmed stdout. Tests look at the engine
 * through it rather than through the runtime under test, so a bug there cannot hide itself.
 */
export async function docker(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`docker ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, { cause: err });
  }
}

/** `docker <kind> inspect` of one object, parsed. */
export async function dockerInspect<T = Record<string, unknown>>(kind: 'container' | 'network' | 'volume' | 'image', name: string): Promise<T> {
  const [first] = JSON.parse(await docker(kind, 'inspect', name)) as T[];
  if (first === undefined) throw new Error(`docker ${kind} inspect ${name} returned nothing`);
  return first;
}
