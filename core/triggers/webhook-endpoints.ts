import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import type { Intent } from '../hooks/intent.js';
import type { Principal } from '../hooks/principal.js';
import type { HookOperationKind } from '../operations/operation-record.js';
import { intentFields, optionalText, parseBody, requiredText, stringMap } from '../request-schema.js';
import { resolveEnvironmentId } from './environment-scope.js';
import type { RedeployTarget, WebhookHandlers } from './webhook-handlers.js';

/** What the audit learns about a hook call once its body was understood. */
export interface HookCallDetails {
  target: string | null;
  environmentId: string | null;
  intent: Intent | null;
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
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** The body's schema: `prepare` validates with it, the OpenAPI document shows it. */
  readonly body?: z.ZodType;
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

const environmentField = optionalText('environmentId').meta({ description: "The environment; the API key's own when absent." });

/** The intent of a parsed body, noted for the audit; the work's caller carries it into the operation. */
const intentOf = ({ reason, commit, pipelineUrl }: Intent, details: HookCallDetails): Intent => {
  details.intent = { reason, commit, pipelineUrl };
  return details.intent;
};

// productId wins when both are given; stackDefinitionName only means something with it.
const redeployBody = z
  .object({
    stackName: optionalText('stackName'),
    productId: optionalText('productId'),
    stackDefinitionName: optionalText('stackDefinitionName'),
    variables: stringMap('variables'),
    environmentId: environmentField,
    ...intentFields,
  })
  .refine((fields) => fields.stackName !== null || fields.productId !== null, 'Either stackName or productId is required.');

const redeploy: WebhookEndpoint = {
  path: '/api/hooks/redeploy',
  permission: 'Hooks.Redeploy',
  kind: 'redeploy',
  summary: "Redeploys a stack (or a product's stacks) with fresh images of its current version.",
  body: redeployBody,
  async prepare(body, caller, handlers, details) {
    const fields = parseBody(redeployBody, body);
    const { productId, stackName, stackDefinitionName, variables } = fields;
    const target: RedeployTarget = productId !== null ? { kind: 'product', productId, stackDefinitionName } : { kind: 'stack', stackName: stackName ?? '' };
    details.target = describeTarget(target);
    const environmentId = resolveEnvironmentId(fields.environmentId, caller.principal);
    details.environmentId = environmentId;
    const intent = intentOf(fields, details);
    const input = { environmentId, target, variables };
    await handlers.checkRedeploy?.(input);
    return (running) => handlers.redeploy(input, { ...running, intent });
  },
};

const upgradeBody = z.object({
  stackName: requiredText('stackName'),
  targetVersion: requiredText('targetVersion'),
  variables: stringMap('variables'),
  environmentId: environmentField,
  ...intentFields,
});

const upgrade: WebhookEndpoint = {
  path: '/api/hooks/upgrade',
  permission: 'Hooks.Upgrade',
  kind: 'upgrade',
  summary: 'Upgrades a stack to another catalog version; rolls back when the new version fails.',
  body: upgradeBody,
  async prepare(body, caller, handlers, details) {
    const fields = parseBody(upgradeBody, body);
    const { stackName, targetVersion, variables } = fields;
    details.target = `${stackName} -> ${targetVersion}`;
    const environmentId = resolveEnvironmentId(fields.environmentId, caller.principal);
    details.environmentId = environmentId;
    const intent = intentOf(fields, details);
    const input = { environmentId, stackName, targetVersion, variables };
    await handlers.checkUpgrade?.(input);
    return (running) => handlers.upgrade(input, { ...running, intent });
  },
};

const syncSources: WebhookEndpoint = {
  path: '/api/hooks/sync-sources',
  permission: 'Hooks.SyncSources',
  kind: 'sync-sources',
  summary: 'Syncs every catalog source now.',
  // No body is needed and any body is ignored; catalog sources are not environment-bound.
  prepare: (_body, _caller, handlers) => Promise.resolve((running) => handlers.syncSources(running)),
};

/** The webhooks the host serves, in the order they are documented. */
export const webhookEndpoints: readonly WebhookEndpoint[] = [redeploy, upgrade, syncSources];

/** The permissions an API key may hold: exactly those of the served webhooks. */
export const webhookPermissions: readonly string[] = webhookEndpoints.map((endpoint) => endpoint.permission);
