import { isAbsolute, relative, resolve, sep } from 'node:path';
import { commandArgs } from '../manifests/command-line.js';
import { imageWithTag } from '../manifests/image-reference.js';
import type { HealthCheckManifest, ServiceManifest, StackManifest } from '../manifests/manifest-model.js';
import { parsePortBinding } from '../manifests/port-binding.js';
import { substituteServiceVariables } from '../manifests/substitute-variables.js';
import { parseVolumeMount } from '../manifests/volume-mount.js';
import { InputError } from '../errors.js';
import type { DeployOperation, DeployPlan, HealthCheck, Mount, PlanEnvironment, PlannedResource, PlannedService } from '../hooks/deploy-plan.js';
import { hostLabels } from '../manifests/host-labels.js';

/** Who and where a plan is for, independent of what it runs. */
export interface PlanTarget {
  readonly deploymentId: string;
  readonly environment: PlanEnvironment;
  /** The deployment's stack name: prefix of container, network and volume names. */
  readonly stackName: string;
  /** The product's groupId. */
  readonly productId: string;
  readonly version: string;
  /** The network of the product deployment the stack belongs to; null or absent for none. */
  readonly productNetwork?: string | null;
}

/** A plan that makes the environment run `stack` with `variables`. */
export interface StackPlanInput extends PlanTarget {
  readonly operation: Extract<DeployOperation, 'deploy' | 'redeploy' | 'upgrade' | 'rollback'>;
  readonly stack: StackManifest;
  /** Resolved and validated values for every `${NAME}`. */
  readonly variables: Readonly<Record<string, string>>;
  /** The host's folder for the stack: relative bind-mount sources (`./data`) resolve against it and stay inside it. */
  readonly bindRoot: string;
}

function planLabels(target: PlanTarget): Record<string, string> {
  return {
    [hostLabels.stack]: target.stackName,
    [hostLabels.deployment]: target.deploymentId,
    [hostLabels.environment]: target.environment.id,
    [hostLabels.product]: target.productId,
    [hostLabels.version]: target.version,
  };
}

/**
 * The engine name of a stack's own volume: `<stackName>_<name>`, with each `_` of the stack name
 * doubled. Volume names start with a letter or digit, so the first odd run of `_` ends the stack
 * name and two stacks never share a volume (`shop` + `db_data` → `shop_db_data`, `shop_db` +
 * `data` → `shop__db_data`). Stack names without `_` keep the names they always had.
 */
function stackVolume(stackName: string, name: string): PlannedResource {
  const engineName = `${stackName.replaceAll('_', '__')}_${name}`;
  const formerName = `${stackName}_${name}`;
  return { name: engineName, external: false, labels: {}, ...(formerName === engineName ? {} : { formerName }) };
}

/** A plan that carries no services: `remove` tears the stack down. */
export function teardownPlan(operation: 'remove', target: PlanTarget, removeVolumes = false): DeployPlan {
  return {
    operation,
    deploymentId: target.deploymentId,
    environment: target.environment,
    stackName: target.stackName,
    productId: target.productId,
    version: target.version,
    labels: planLabels(target),
    services: [],
    volumes: [],
    networks: [],
    removeVolumes,
    productNetwork: target.productNetwork ?? null,
  };
}

/** `none` switches off a check the image declares; Docker's way to say so is the test `NONE`. */
function plannedHealthCheck(check: HealthCheckManifest | null): HealthCheck | null {
  if (check === null) return null;
  if (check.type === 'none') return { type: 'docker', test: ['NONE'], intervalMs: 0, timeoutMs: 0, retries: 0, startPeriodMs: 0 };
  return check;
}

/**
 * Turns a manifest stack and its resolved variables into the plan a runtime carries out:
 * every placeholder substituted, container names `<stackName>_<service>` unless the manifest
 * names them, networks `<stackName>_<name>` and volumes as {@link stackVolume} unless external, a
 * `<stackName>_default` network for services that name none, and the host's `rsgo.*` labels
 * on the plan and on every service.
 * @throws InputError when a service has no image, a substituted port or volume entry is malformed,
 * or a relative bind source leaves the stack's folder (`BIND_NOT_ALLOWED`).
 */
export function buildDeployPlan(input: StackPlanInput): DeployPlan {
  const { stackName, stack } = input;
  const labels = { ...planLabels(input), [hostLabels.stackDefinition]: stack.name };
  const defaultNetwork = `${stackName}_default`;
  const networkNames = new Map(stack.networks.map((n) => [n.name, n.external ? n.name : `${stackName}_${n.name}`]));
  const volumes = new Map<string, PlannedResource>(
    stack.volumes.map((v) => [v.name, v.external ? { name: v.name, external: true, labels: {} } : stackVolume(stackName, v.name)]),
  );
  let usesDefaultNetwork = false;

  const mountOf = (spec: string): Mount => {
    const mount = parseVolumeMount(spec);
    if (mount.type === 'bind') {
      if (isAbsolute(mount.source)) return { ...mount, type: 'bind', source: mount.source };
      const source = resolve(input.bindRoot, mount.source);
      const rel = relative(input.bindRoot, source);
      if (rel === '..' || rel.startsWith(`..${sep}`)) {
        throw new InputError(`Bind mount not allowed: '${mount.source}' leaves the stack's folder ${input.bindRoot}. Nothing was changed.`, {
          code: 'BIND_NOT_ALLOWED',
        });
      }
      return { ...mount, type: 'bind', source, stackFolder: input.bindRoot };
    }
    // A volume a service mounts without declaring it belongs to the stack, like a declared one.
    let volume = volumes.get(mount.source);
    if (volume === undefined) {
      volume = stackVolume(stackName, mount.source);
      volumes.set(mount.source, volume);
    }
    return { ...mount, type: 'volume', source: volume.name };
  };

  const planService = (manifest: ServiceManifest): PlannedService => {
    const service = substituteServiceVariables(manifest, input.variables);
    // Planning changes nothing yet, so a deploy of such a stack is refused before anything changes.
    if (service.image === null) throw new InputError(`Service '${service.name}' has no image.`, { code: 'SERVICE_WITHOUT_IMAGE' });
    const networks = service.networks.map((name) => networkNames.get(name) ?? `${stackName}_${name}`);
    if (networks.length === 0) {
      usesDefaultNetwork = true;
      networks.push(defaultNetwork);
    }
    return {
      name: service.name,
      containerName: service.containerName ?? `${stackName}_${service.name}`,
      image: imageWithTag(service.image),
      lifecycle: service.lifecycle,
      initTimeoutSeconds: service.initTimeoutSeconds,
      command: commandArgs(service.command),
      entrypoint: commandArgs(service.entrypoint),
      environment: service.environment,
      ports: service.ports.map(parsePortBinding),
      mounts: service.volumes.map(mountOf),
      networks,
      dependsOn: service.dependsOn,
      workingDir: service.workingDir,
      user: service.user,
      restart: service.restart,
      // The host's labels win over the manifest's: they are how the host finds its containers.
      labels: {
        ...service.labels,
        ...labels,
        [hostLabels.service]: service.name,
        [hostLabels.context]: service.name,
        [hostLabels.lifecycle]: service.lifecycle,
      },
      healthCheck: plannedHealthCheck(service.healthCheck),
      ...(service.swarm ? { swarm: service.swarm } : {}),
    };
  };

  const services = stack.services.map(planService);
  const networks: PlannedResource[] = stack.networks.map((n) => ({ name: networkNames.get(n.name) ?? n.name, external: n.external, labels: {} }));
  if (usesDefaultNetwork && !networks.some((n) => n.name === defaultNetwork)) networks.push({ name: defaultNetwork, external: false, labels: {} });

  return {
    operation: input.operation,
    deploymentId: input.deploymentId,
    environment: input.environment,
    stackName,
    productId: input.productId,
    version: input.version,
    labels,
    services,
    volumes: [...volumes.values()],
    networks,
    removeVolumes: false,
    productNetwork: input.productNetwork ?? null,
  };
}
