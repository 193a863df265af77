import { randomBytes, randomUUID } from 'node:crypto';
import type { DeployOperation, DeployPlan, PlanEnvironment, PlannedResource, PlannedService } from '../hooks/deploy-plan.js';

/** A service as a test writes it: only `image` is required, the rest gets the manifest defaults. */
export type TestServiceInput = Partial<Omit<PlannedService, 'name' | 'image'>> & { readonly image: string };

/** A network or volume by its short name (prefixed with the stack name unless external). */
export type TestResourceInput = string | { readonly name: string; readonly external: boolean };

export interface TestPlanInput {
  readonly stackName?: string;
  readonly deploymentId?: string;
  readonly operation?: DeployOperation;
  readonly environment?: Partial<PlanEnvironment>;
  readonly version?: string;
  /** In manifest order. */
  readonly services?: Readonly<Record<string, TestServiceInput>>;
  readonly volumes?: readonly TestResourceInput[];
  /** Default: one network, `default`, which every service joins. */
  readonly networks?: readonly TestResourceInput[];
  readonly removeVolumes?: boolean;
}

/** A stack name that no other test uses: container, network and volume names derive from it. */
export function uniqueStackName(prefix = 'rt'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * A deploy plan as the host would build it from a manifest: full resource names, default
 * container names, the host's `rsgo.*` labels on the plan and on every service.
 */
export function testPlan(input: TestPlanInput = {}): DeployPlan {
  const stackName = input.stackName ?? uniqueStackName();
  const deploymentId = input.deploymentId ?? randomUUID();
  const environment: PlanEnvironment = {
    id: 'env-test',
    name: 'test-env',
    type: 'docker',
    settings: { dockerHost: null, tls: null },
    ...input.environment,
  };
  const version = input.version ?? '1.0.0';
  const labels = {
    'rsgo.stack': stackName,
    'rsgo.deployment': deploymentId,
    'rsgo.environment': environment.id,
    'rsgo.product': `test.${stackName}`,
    'rsgo.version': version,
  };
  const resource = (entry: TestResourceInput): PlannedResource => {
    const { name, external } = typeof entry === 'string' ? { name: entry, external: false } : entry;
    return { name: external ? name : `${stackName}_${name}`, external, labels: {} };
  };
  const networks = (input.networks ?? ['default']).map(resource);
  const services = Object.entries(input.services ?? {}).map(([name, service]): PlannedService => {
    const lifecycle = service.lifecycle ?? 'service';
    return {
      containerName: `${stackName}_${name}`,
      lifecycle,
      initTimeoutSeconds: 60,
      command: null,
      entrypoint: null,
      environment: {},
      ports: [],
      mounts: [],
      networks: networks.map((n) => n.name),
      dependsOn: [],
      workingDir: null,
      user: null,
      restart: 'unless-stopped',
      healthCheck: null,
      ...service,
      name,
      labels: { ...service.labels, ...labels, 'rsgo.service': name, 'rsgo.lifecycle': lifecycle },
    };
  });
  return {
    operation: input.operation ?? 'deploy',
    deploymentId,
    environment,
    stackName,
    productId: `test.${stackName}`,
    version,
    labels,
    services,
    volumes: (input.volumes ?? []).map(resource),
    networks,
    removeVolumes: input.removeVolumes ?? false,
  };
}
