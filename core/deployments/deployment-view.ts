import { maskSecretValues } from '../manifests/validate-variables.js';
import type { Deployment, HistoryEntry, ProductDeployment, ServiceRecord } from './deployment.js';

/** A container as the engine shows it now. */
export interface ServiceState {
  /** Engine state: `running`, `exited`...; `missing` when the recorded container is gone. */
  readonly status: string;
  readonly health: 'healthy' | 'unhealthy' | 'starting' | 'none';
  /** Restarts by its restart policy. */
  readonly restartCount: number;
  /** When its process last started; `null` when it never ran. */
  readonly startedAt: string | null;
}

/** What runs for a deployment now, by container id; `{ error }` when the runtime could not tell. */
export type LiveStates = Readonly<Record<string, ServiceState>> | { readonly error: string };

const missing: ServiceState = { status: 'missing', health: 'none', restartCount: 0, startedAt: null };
const unknown = { health: null, restartCount: null, startedAt: null } as const;

/**
 * The recorded containers with what the engine shows of each now; when it could not tell, the
 * recorded status, no health, and the reason in `inspectError`.
 */
export function liveServicesView(services: readonly ServiceRecord[], live: LiveStates): Record<string, unknown> {
  if ('error' in live && typeof live.error === 'string') {
    return { services: services.map((service) => ({ ...service, ...unknown })), inspectError: live.error };
  }
  const states = live as Readonly<Record<string, ServiceState>>;
  return { services: services.map((service) => ({ ...service, ...(states[service.containerId] ?? missing) })) };
}

/**
 * A deployment as the API shows it: `Password` values masked, the operation in flight left out
 * (it holds unmasked values). With `history` when given.
 */
export function deploymentView(deployment: Deployment, history?: readonly HistoryEntry[]): Record<string, unknown> {
  const { variables, secretVariables, pending, ...shown } = deployment;
  return {
    ...shown,
    variables: maskSecretValues(variables, secretVariables),
    ...(history === undefined ? {} : { history }),
  };
}

/** A product deployment with one summary per stack, in manifest order. */
export function productDeploymentView(product: ProductDeployment, stacks: readonly Deployment[]): Record<string, unknown> {
  return {
    ...product,
    stacks: stacks.map((stack) => ({
      stackName: stack.stackDefinitionName,
      deploymentId: stack.id,
      deploymentStackName: stack.stackName,
      stackVersion: stack.stackVersion,
      status: stack.status,
      errorMessage: stack.errorMessage,
      services: stack.services,
    })),
  };
}
