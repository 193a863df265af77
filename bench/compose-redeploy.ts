import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A compose project: its file and project name. */
export interface ComposeProject {
  readonly file: string;
  readonly project: string;
}

async function compose(project: ComposeProject, ...args: string[]): Promise<void> {
  try {
    await run('docker-compose', ['-p', project.project, '-f', project.file, ...args], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`docker-compose ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, { cause: err });
  }
}

/** What people run to redeploy with compose: `pull && up -d --force-recreate`. */
export async function composeRedeploy(project: ComposeProject): Promise<void> {
  await compose(project, 'pull');
  await composeRecreate(project);
}

/** `up -d --force-recreate` alone: new containers from the images already there. */
export function composeRecreate(project: ComposeProject): Promise<void> {
  return compose(project, 'up', '-d', '--force-recreate');
}

/** First start of the project. */
export function composeUp(project: ComposeProject): Promise<void> {
  return compose(project, 'up', '-d');
}

/** Removes the project's containers and network. */
export function composeDown(project: ComposeProject): Promise<void> {
  return compose(project, 'down', '--timeout', '10');
}
