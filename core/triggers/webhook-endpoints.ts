import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import type { Intent } from '../hooks/intent.js';
import type { Principal } from '../hooks/principal.js';
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

/** One webhook the host serves: its path, the permission it needs and how it runs. */
export interface WebhookEndpoint {
  readonly path: string;
  readonly permission: string;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** The body's schema: `run` validates with it, the OpenAPI document shows it. */
  readonly body?: z.ZodType;
  /**
   * Validates the body, resolves the environment and calls the handler; returns the 200 body
   * without `success`. Fills `details` as soon as it knows them, for the audit.
   */
  run(body: unknown, caller: HookCaller, handlers: WebhookHandlers, details: HookCallDetails): Promise<object>;
}

const describeTarget = (target: RedeployTarget): string =>
  target.kind === 'stack'
    ? target.stackName
    : `product ${target.productId}${target.stackDefinitionName === null ? '' : ` / ${target.stackDefinitionName}`}`;

const environmentField = optionalText('environmentId').meta({ description: "The environment; the API key's own when absent." });

/** The intent of a parsed body, and the caller that carries it into the operation. */
const withIntent = (caller: HookCaller, { reason, commit, pipelineUrl }: Intent, details: HookCallDetails): HookCaller => {
  details.intent = { reason, commit, pipelineUrl };
  return { ...caller, intent: details.intent };
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
  summary: "Redeploys a stack (or a product's stacks) with fresh images of its current version.",
  body: redeployBody,
  async run(body, caller, handlers, details) {
    const fields = parseBody(redeployBody, body);
    const { productId, stackName, stackDefinitionName, variables } = fields;
    const target: RedeployTarget = productId !== null ? { kind: 'product', productId, stackDefinitionName } : { kind: 'stack', stackName: stackName ?? '' };
    details.target = describeTarget(target);
    const environmentId = resolveEnvironmentId(fields.environmentId, caller.principal);
    details.environmentId = environmentId;
    return handlers.redeploy({ environmentId, target, variables }, withIntent(caller, fields, details));
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
  summary: 'Upgrades a stack to another catalog version; rolls back when the new version fails.',
  body: upgradeBody,
  async run(body, caller, handlers, details) {
    const fields = parseBody(upgradeBody, body);
    const { stackName, targetVersion, variables } = fields;
    details.target = `${stackName} -> ${targetVersion}`;
    const environmentId = resolveEnvironmentId(fields.environmentId, caller.principal);
    details.environmentId = environmentId;
    return handlers.upgrade({ environmentId, stackName, targetVersion, variables }, withIntent(caller, fields, details));
  },
};

const syncSources: WebhookEndpoint = {
  path: '/api/hooks/sync-sources',
  permission: 'Hooks.SyncSources',
  summary: 'Syncs every catalog source now.',
  // No body is needed and any body is ignored; catalog sources are not environment-bound.
  run: (_body, caller, handlers) => handlers.syncSources(caller),
};

/** The webhooks the host serves, in the order they are documented. */
export const webhookEndpoints: readonly WebhookEndpoint[] = [redeploy, upgrade, syncSources];

/** The permissions an API key may hold: exactly those of the served webhooks. */
export const webhookPermissions: readonly string[] = webhookEndpoints.map((endpoint) => endpoint.permission);
