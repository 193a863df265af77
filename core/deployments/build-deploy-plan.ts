import { isAbsolute, resolve } from 'node:path';
import { commandArgs } from '../manifests/command-line.js';
import { imageWithTag } from '../manifests/image-reference.js';
import type { HealthCheckManifest, ServiceManifest, StackManifest } from '../manifests/manifest-model.js';
import { parsePortBinding } from '../manifests/port-binding.js';
import { substituteServiceVariables } from '../manifests/substitute-variables.js';
import { parseVolumeMount } from '../manifests/volume-mount.js';
import type { DeployOperation, DeployPlan, HealthCheck, Mount, PlanEnvironment, PlannedResource, PlannedService } from '../hooks/deploy-plan.js';

/** The labels the host puts on everything it creates; it finds its containers by them. */
export const hostLabels = {
  stack: 'rsgo.stack',
  service: 'rsgo.service',
  deployment: 'rsgo.deployment',
  environment: 'rsgo.environment',
  product: 'rsgo.product',
  version: 'rsgo.version',
  lifecycle: 'rsgo.lifecycle',
} as const;

/** Who and where a plan is for, independent of what it runs. */
export interface PlanTarget {
  readonly deploymentId: string;
  readonly environment: PlanEnvironment;
  /** The deployment's stack name: prefix of container, network and volume names. */
  readonly stackName: string;
  /** The product's groupId. */
  readonly productId: string;
  readonly version: string;
}

/** A plan that makes the environment run `stack` with `variables`. */
export interface StackPlanInput extends PlanTarget {
  readonly operation: Extract<DeployOperation, 'deploy' | 'redeploy' | 'upgrade' | 'rollback'>;
  readonly stack: StackManifest;
  /** Resolved and validated values for every `${NAME}`. */
  readonly variables: Readonly<Record<string, string>>;
  /** Folder that relative bind-mount sources (`./data`) resolve against. */
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
 * names them, volumes and networks `<stackName>_<name>` unless external, a
 * `<stackName>_default` network for services that name none, and the host's `rsgo.*` labels
 * on the plan and on every service.
 * @throws InputError when a substituted port or volume entry is malformed.
 */
export function buildDeployPlan(input: StackPlanInput): DeployPlan {
  const { stackName, stack } = input;
  const labels = planLabels(input);
  const defaultNetwork = `${stackName}_default`;
  const networkNames = new Map(stack.networks.map((n) => [n.name, n.external ? n.name : `${stackName}_${n.name}`]));
  const volumes = new Map<string, PlannedResource>(
    stack.volumes.map((v) => [v.name, { name: v.external ? v.name : `${stackName}_${v.name}`, external: v.external, labels: {} }]),
  );
  let usesDefaultNetwork = false;

  const mountOf = (spec: string): Mount => {
    const mount = parseVolumeMount(spec);
    if (mount.type === 'bind') {
      return { ...mount, type: 'bind', source: isAbsolute(mount.source) ? mount.source : resolve(input.bindRoot, mount.source) };
    }
    // A volume a service mounts without declaring it belongs to the stack, like a declared one.
    let volume = volumes.get(mount.source);
    if (volume === undefined) {
      volume = { name: `${stackName}_${mount.source}`, external: false, labels: {} };
      volumes.set(mount.source, volume);
    }
    return { ...mount, type: 'volume', source: volume.name };
  };

  const planService = (manifest: ServiceManifest): PlannedService => {
    const service = substituteServiceVariables(manifest, input.variables);
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
      labels: { ...service.labels, ...labels, [hostLabels.service]: service.name, [hostLabels.lifecycle]: service.lifecycle },
      healthCheck: plannedHealthCheck(service.healthCheck),
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
  };
}
