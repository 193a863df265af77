import type { Caller } from '../auth/caller.js';
import type { Deployment, DeploymentStatus, ServiceRecord } from '../deployments/deployment.js';
import { deploymentSecrets } from '../deployments/deployment-secrets.js';
import type { ProductDeploymentState } from '../deployments/deployment-store.js';
import { DeploymentFailedError, InputError, UnavailableError } from '../errors.js';
import type { DeployedService } from '../hooks/deploy-plan.js';
import { toHostError } from '../to-host-error.js';
import type { ContainerActionRule } from './container-action.js';
import { serviceRecords } from './inspect-deployment.js';
import { stateUnknown } from './operation-failure.js';
import { triggeredBy, type OperationRunner } from './operation-runner.js';

/** `found` in the order of the record (the plan's), containers it does not know last. */
function inRecordedOrder(found: readonly ServiceRecord[], recorded: readonly ServiceRecord[]): ServiceRecord[] {
  const rank = (service: ServiceRecord) => {
    const index = recorded.findIndex((r) => r.containerId === service.containerId);
    return index < 0 ? recorded.length : index;
  };
  return [...found].sort((a, b) => rank(a) - rank(b));
}

/**
 * What a deployment is after a stop, start or restart failed, by what runs: every service
 * running → `Running`; none after a stop → `Stopped`; anything else → `Failed`.
 */
function statusFound(services: readonly ServiceRecord[], rule: ContainerActionRule): DeploymentStatus {
  const running = services.filter((s) => s.lifecycle === 'service').map((s) => s.status === 'running');
  if (running.length > 0 && running.every(Boolean)) return 'Running';
  return rule.action === 'stop' && !running.some(Boolean) ? 'Stopped' : 'Failed';
}

/**
 * Stops, starts or restarts the containers of deployment `id` (the caller holds its stack lock),
 * recorded in its history. The runtime does the work under the operation's one deadline; when
 * it fails, the status follows what it left running.
 * @throws InputError when the status does not allow the action or the runtime cannot do it.
 */
async function operateLocked(runner: OperationRunner, id: string, rule: ContainerActionRule, caller: Caller): Promise<Deployment> {
  const current = await runner.records.require(id);
  if (!rule.from.includes(current.status)) throw new InputError(rule.refused(current.status), { code: 'ACTION_NOT_ALLOWED' });
  const environment = await runner.environments.planEnvironment(current.environmentId);
  const runtime = runner.runtimes.serving(environment.type);
  if (!runtime) throw new InputError(`No runtime plugin serves environment type '${environment.type}'.`, { code: 'NO_RUNTIME' });
  if (!runtime.controls) throw new InputError(`The runtime of '${environment.type}' environments cannot ${rule.action} containers.`, { code: 'RUNTIME_UNSUPPORTED' });
  const secrets = deploymentSecrets(current);
  const entry = await runner.records.startOperation(id, {
    operation: rule.action,
    status: current.status,
    triggeredBy: triggeredBy(caller.principal),
    operationId: caller.operationId,
    fromVersion: current.stackVersion,
    toVersion: current.stackVersion,
    // What recovery goes by, should the host stop before the outcome is written.
    pending: {
      operation: rule.action,
      stackId: current.stackId,
      stackDefinitionName: current.stackDefinitionName,
      version: current.stackVersion,
      variables: current.variables,
      secretVariables: current.secretVariables,
      services: current.services.filter((s) => s.lifecycle === 'service').map(({ serviceName, containerName, image }) => ({ serviceName, containerName, image })),
    },
  });
  const ref = { deploymentId: id, stackName: current.stackName };
  const log = secrets.logger(runner.log.child({ deploymentId: id, stack: current.stackName, operation: rule.action, requestId: caller.requestId }));
  const serviceNames = current.services.filter((s) => s.lifecycle === 'service').map((s) => s.serviceName);
  // Runtimes report no steps of their own for these actions: followers see each service's start and end.
  for (const service of serviceNames) caller.progress?.({ service, step: rule.step, message: `${rule.ongoing} ${service}` });
  let reported: readonly DeployedService[];
  try {
    reported = await runner.bounded((signal) => runtime.control(rule.action, environment, ref, { signal, log }));
  } catch (err) {
    const cause = secrets.error(toHostError(err));
    const found = await runner.inspect(environment, ref);
    if ('error' in found) {
      // The engine cannot say what runs: the last known state stands, as after a failed deploy.
      const failure = stateUnknown(cause, secrets.text(found.error), current);
      await runner.finish(id, entry, { status: current.status, outcome: 'Failed', message: `${rule.failed}: ${failure.message}`, errorMessage: current.errorMessage });
      throw failure;
    }
    const status = statusFound(found.services, rule);
    const message = `${rule.failed}: ${cause.message}`;
    const services = inRecordedOrder(found.services, current.services);
    await runner.finish(id, entry, { status, outcome: 'Failed', message, errorMessage: status === 'Failed' ? message : null, services });
    runner.log.warn({ deploymentId: id, stack: current.stackName, operation: rule.action, code: cause.code, reason: cause.message }, 'operation failed');
    if (cause instanceof UnavailableError) throw cause;
    throw new DeploymentFailedError(message, { code: cause.code, fields: { deploymentId: id, status } });
  }
  const services = inRecordedOrder(serviceRecords(reported), current.services);
  for (const service of services.filter((s) => s.lifecycle === 'service')) {
    caller.progress?.({ service: service.serviceName, step: rule.step === 'stop' ? 'stop' : 'healthy', message: `${service.serviceName} is ${service.status}` });
  }
  await runner.finish(id, entry, { status: rule.status, outcome: 'Succeeded', message: rule.message, errorMessage: null, services });
  runner.log.info({ deploymentId: id, stack: current.stackName, operation: rule.action }, 'operation succeeded');
  return runner.records.require(id);
}

/**
 * `POST /api/deployments/:id/stop|start|restart`: the action on one deployment, holding its stack
 * lock; a stack of a product deployment settles the product's status afterwards.
 * @throws NotFoundError for an unknown id; InputError when the status does not allow it;
 * DeploymentFailedError when the runtime failed (the record says what runs).
 */
export async function operateDeployment(runner: OperationRunner, id: string, rule: ContainerActionRule, caller: Caller): Promise<Deployment> {
  const found = await runner.records.require(id);
  const done = await runner.locked(found.environmentId, found.stackName, `stack '${found.stackName}'`, () => operateLocked(runner, id, rule, caller));
  if (done.productDeploymentId) await runner.settleProduct(done.productDeploymentId, []);
  return done;
}

/**
 * `POST /api/product-deployments/:id/stop|start|restart`: the action on every stack of the
 * product whose status allows it (stopped in reverse manifest order, started in manifest order),
 * holding the product's lock and each stack's. A stack that fails does not stop the others.
 */
export async function operateProduct(runner: OperationRunner, productDeploymentId: string, rule: ContainerActionRule, caller: Caller): Promise<ProductDeploymentState> {
  const { product } = await runner.records.requireProduct(productDeploymentId);
  return runner.locked(product.environmentId, `product:${product.productId}`, `product '${product.productId}'`, async () => {
    const { product: current, stacks } = await runner.records.requireProduct(productDeploymentId);
    const chosen = stacks.filter((stack) => rule.from.includes(stack.status));
    if (chosen.length === 0) throw new InputError(rule.refused(current.status), { code: 'ACTION_NOT_ALLOWED' });
    if (rule.action === 'stop') chosen.reverse();
    const failures: string[] = [];
    for (const stack of chosen) {
      try {
        await runner.locked(stack.environmentId, stack.stackName, `stack '${stack.stackName}'`, () => operateLocked(runner, stack.id, rule, caller));
      } catch (err) {
        failures.push(`stack '${stack.stackDefinitionName}': ${toHostError(err).message}`);
      }
    }
    const state = await runner.settleProduct(current.id, failures);
    if (failures.length > 0) {
      throw new DeploymentFailedError(`${rule.failed}: ${failures.join('; ')} (product '${current.productName}' is ${state.product.status}).`, {
        fields: { productDeploymentId: current.id, status: state.product.status },
      });
    }
    return state;
  });
}
