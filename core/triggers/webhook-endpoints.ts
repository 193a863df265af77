import type { Caller } from '../auth/caller.js';
import type { Principal } from '../hooks/principal.js';
import { InputError } from '../errors.js';
import type { HookOperationKind } from '../operations/operation-record.js';
import { jsonObject, optionalString, optionalStringMap } from '../json-body.js';
import { resolveEnvironmentId } from './environment-scope.js';
import type { RedeployTarget, WebhookHandlers } from './webhook-handlers.js';

/** What the audit learns about a hook call once its body was understood. */
export interface HookCallDetails {
  target: string | null;
  environmentId: string | null;
}

/** A hook call's caller: always an authenticated principal. */
export type HookCaller = Caller & { readonly principal: Principal };

/** A hook call that passed its checks: the work left to do. */
export type HookWork = (caller: HookCaller) => Promise<object>;

/** One webhook the host serves: its path, the permission it needs and how it runs. */
export interface WebhookEndpoint {
  readonly path: string;
  readonly permission: string;
  /** The operation's kind, as `GET /api/operations/:id` names it. */
  readonly kind: HookOperationKind;
  /**
   * Validates the body, resolves the environment and runs the handler's checks (lookups, state,
   * variables); returns the work, which answers the 200 body without `success`. Fills `details`
   * as soon as it knows them, for the audit.
   */
  prepare(body: unknown, caller: HookCaller, handlers: WebhookHandlers, details: HookCallDetails): Promise<HookWork>;
}

const describeTarget = (target: RedeployTarget): string =>
  target.kind === 'stack'
    ? target.stackName
    : `product ${target.productId}${target.stackDefinitionName === null ? '' : ` / ${target.stackDefinitionName}`}`;

const redeploy: WebhookEndpoint = {
  path: '/api/hooks/redeploy',
  permission: 'Hooks.Redeploy',
  kind: 'redeploy',
  async prepare(body, caller, handlers, details) {
    const fields = jsonObject(body);
    const stackName = optionalString(fields, 'stackName');
    const productId = optionalString(fields, 'productId');
    const stackDefinitionName = optionalString(fields, 'stackDefinitionName');
    const variables = optionalStringMap(fields, 'variables');
    const requestedEnvironment = optionalString(fields, 'environmentId');
    // productId wins when both are given; stackDefinitionName only means something with it.
    let target: RedeployTarget;
    if (productId !== null) target = { kind: 'product', productId, stackDefinitionName };
    else if (stackName !== null) target = { kind: 'stack', stackName };
    else throw new InputError('Either stackName or productId is required.');
    details.target = describeTarget(target);
    const environmentId = resolveEnvironmentId(requestedEnvironment, caller.principal);
    details.environmentId = environmentId;
    const input = { environmentId, target, variables };
    await handlers.checkRedeploy?.(input);
    return (running) => handlers.redeploy(input, running);
  },
};

const upgrade: WebhookEndpoint = {
  path: '/api/hooks/upgrade',
  permission: 'Hooks.Upgrade',
  kind: 'upgrade',
  async prepare(body, caller, handlers, details) {
    const fields = jsonObject(body);
    const stackName = optionalString(fields, 'stackName');
    const targetVersion = optionalString(fields, 'targetVersion');
    const variables = optionalStringMap(fields, 'variables');
    const requestedEnvironment = optionalString(fields, 'environmentId');
    if (stackName === null) throw new InputError('stackName is required.');
    details.target = stackName;
    if (targetVersion === null) throw new InputError('targetVersion is required.');
    details.target = `${stackName} -> ${targetVersion}`;
    const environmentId = resolveEnvironmentId(requestedEnvironment, caller.principal);
    details.environmentId = environmentId;
    const input = { environmentId, stackName, targetVersion, variables };
    await handlers.checkUpgrade?.(input);
    return (running) => handlers.upgrade(input, running);
  },
};

const syncSources: WebhookEndpoint = {
  path: '/api/hooks/sync-sources',
  permission: 'Hooks.SyncSources',
  kind: 'sync-sources',
  // No body is needed and any body is ignored; catalog sources are not environment-bound.
  prepare: (_body, _caller, handlers) => Promise.resolve((running) => handlers.syncSources(running)),
};

/** The webhooks the host serves, in the order they are documented. */
export const webhookEndpoints: readonly WebhookEndpoint[] = [redeploy, upgrade, syncSources];

/** The permissions an API key may hold: exactly those of the served webhooks. */
export const webhookPermissions: readonly string[] = webhookEndpoints.map((endpoint) => endpoint.permission);
