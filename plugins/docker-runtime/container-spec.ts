import type { DeployPlan, PlannedService } from '../../core/plugin-api.js';
import type { ContainerSpec } from './docker-engine.js';
import { deploymentLabels } from './deployment-labels.js';
import { healthCheckConfig } from './health-check-config.js';

/** The container to create for one planned service, every field of the plan carried over. */
export function containerSpec(plan: DeployPlan, service: PlannedService): ContainerSpec {
  const isInit = service.lifecycle === 'init';
  return {
    name: service.containerName,
    image: service.image,
    command: service.command,
    entrypoint: service.entrypoint,
    environment: service.environment,
    workingDir: service.workingDir,
    user: service.user,
    labels: {
      ...plan.labels,
      ...service.labels,
      [deploymentLabels.deployment]: plan.deploymentId,
      [deploymentLabels.service]: service.name,
      [deploymentLabels.lifecycle]: service.lifecycle,
    },
    ports: service.ports,
    mounts: service.mounts,
    // An init container runs once: with any other policy the engine would start it again after
    // it exits, even with code 0.
    restart: isInit ? 'no' : service.restart,
    healthCheck: !isInit && service.healthCheck ? healthCheckConfig(service.healthCheck) : null,
    // On the product's network too, so the product's other stacks reach it by service name.
    networks: plan.productNetwork ? [...service.networks, plan.productNetwork] : service.networks,
    aliases: [service.name],
  };
}
