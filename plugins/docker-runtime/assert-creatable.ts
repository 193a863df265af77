import { isAbsolute, posix } from 'node:path';
import { DeploymentFailedError, type DeployPlan, type PlannedService, type PortBinding } from '../../core/plugin-api.js';

/** What the engine accepts as a container name (at least two characters). */
const containerName = /^[A-Za-z0-9][A-Za-z0-9_.-]+$/;

/** Addresses that listen on every interface, so they share a port with any other address. */
const everyAddress = new Set(['', '0.0.0.0', '::', '[::]']);

/** The texts of a service the engine passes to the kernel, by what a message calls them. */
function serviceTexts(service: PlannedService): Array<[string, string]> {
  const health = service.healthCheck?.type === 'docker' ? service.healthCheck.test : [];
  return [
    ['image', service.image],
    ...(service.command ?? []).map((arg): [string, string] => ['command', arg]),
    ...(service.entrypoint ?? []).map((arg): [string, string] => ['entrypoint', arg]),
    ...Object.entries(service.environment).flatMap(([key, value]): Array<[string, string]> => [
      [`environment name ${key}`, key],
      [`environment value of ${key}`, value],
    ]),
    ...Object.entries(service.labels).flatMap(([key, value]): Array<[string, string]> => [
      ['label name', key],
      [`label ${key}`, value],
    ]),
    ['working directory', service.workingDir ?? ''],
    ['user', service.user ?? ''],
    ...health.map((part): [string, string] => ['health check', part]),
    ...service.mounts.flatMap((mount): Array<[string, string]> => [
      ['mount source', mount.source],
      ['mount target', mount.target],
    ]),
  ];
}

function portsClash(a: PortBinding, b: PortBinding): boolean {
  if (a.hostPort === 0 || a.hostPort !== b.hostPort || a.protocol !== b.protocol) return false;
  const ipA = a.hostIp ?? '';
  const ipB = b.hostIp ?? '';
  return ipA === ipB || everyAddress.has(ipA) || everyAddress.has(ipB);
}

/** Every reason the engine would refuse to create or start the service's container. */
function serviceProblems(service: PlannedService): string[] {
  const problems: string[] = [];
  if (!containerName.test(service.containerName)) {
    problems.push(`container name '${service.containerName}' is not a valid name (letters, digits, '_', '.', '-'; at least two)`);
  }
  // The kernel takes NUL as the end of a string; the engine finds out only when it starts the container.
  for (const [what, text] of serviceTexts(service)) if (text.includes('\0')) problems.push(`${what} holds a NUL character`);
  if (service.workingDir !== null && service.workingDir !== '' && !isAbsolute(service.workingDir)) {
    problems.push(`working directory '${service.workingDir}' is not an absolute path`);
  }
  const targets = new Set<string>();
  for (const mount of service.mounts) {
    const target = posix.normalize(mount.target);
    if (target === '/') problems.push(`a mount may not cover '/'`);
    else if (targets.has(target.replace(/\/$/, ''))) problems.push(`two mounts share the target '${mount.target}'`);
    targets.add(target.replace(/\/$/, ''));
  }
  return problems.map((problem) => `service '${service.name}': ${problem}`);
}

/**
 * Refuses a plan the engine would refuse part of when it creates or starts the new containers,
 * which it finds out only after the old ones are gone: invalid or repeated container names, NUL
 * characters, a relative working directory, a mount on `/` or two on one target, and one host
 * port bound twice in the plan. Values are never quoted (they may be secrets).
 * @throws DeploymentFailedError `INVALID_PLAN` naming every problem.
 */
export function assertCreatable(plan: DeployPlan): void {
  const problems = plan.services.flatMap(serviceProblems);
  const names = new Map<string, string>();
  const ports: Array<{ service: string; port: PortBinding }> = [];
  for (const service of plan.services) {
    const other = names.get(service.containerName);
    if (other !== undefined) problems.push(`services '${other}' and '${service.name}' share the container name '${service.containerName}'`);
    names.set(service.containerName, service.name);
    for (const port of service.ports) {
      const clash = ports.find((taken) => portsClash(taken.port, port));
      const bound = `host port ${port.hostPort}/${port.protocol}`;
      if (clash?.service === service.name) problems.push(`service '${service.name}' binds ${bound} twice`);
      else if (clash) problems.push(`services '${clash.service}' and '${service.name}' both bind ${bound}`);
      ports.push({ service: service.name, port });
    }
  }
  if (problems.length > 0) {
    throw new DeploymentFailedError(`The engine would refuse this plan: ${problems.join('; ')}.`, { code: 'INVALID_PLAN' });
  }
}
