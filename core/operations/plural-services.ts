import type { ServiceRecord } from '../deployments/deployment.js';

/** `1 service`, `3 services`: the running services (not init containers) of a result. */
export function pluralServices(services: readonly ServiceRecord[]): string {
  const count = services.filter((service) => service.lifecycle === 'service').length;
  return `${count} service${count === 1 ? '' : 's'}`;
}
