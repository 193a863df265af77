import { DeploymentFailedError, type PlannedService } from '../../core/plugin-api.js';

/**
 * The services in an order where each comes after what it `dependsOn`, otherwise keeping plan
 * order. Dependencies outside `services` (an init service, when ordering the others) count as
 * met. A cycle is refused; the manifest check should have caught it already.
 */
export function startOrder(services: readonly PlannedService[]): PlannedService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const ordered: PlannedService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();

  const visit = (service: PlannedService, path: readonly string[]) => {
    const seen = state.get(service.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new DeploymentFailedError(`Services depend on each other in a cycle: ${[...path, service.name].join(' -> ')}.`);
    }
    state.set(service.name, 'visiting');
    for (const dependency of service.dependsOn) {
      const target = byName.get(dependency);
      if (target) visit(target, [...path, service.name]);
    }
    state.set(service.name, 'done');
    ordered.push(service);
  };

  for (const service of services) visit(service, []);
  return ordered;
}
