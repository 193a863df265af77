import { randomUUID } from 'node:crypto';
import type { CatalogSyncOutcome, DeployContext, DeployOutcome, Principal } from '../../core/plugin-api.js';

/** The event types the notifier posts. */
export const eventTypes = ['deployment.succeeded', 'deployment.failed', 'deployment.rolled_back', 'catalog.synced', 'catalog.sync_failed'] as const;
export type EventType = (typeof eventTypes)[number];
/** What `POST /api/event-deliveries/test` sends. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Whether `type` is one this plugin posts (a stored event read back). */
export function isOutboundType(type: unknown): type is OutboundEvent['type'] {
  return type === TEST_EVENT_TYPE || eventTypes.some((known) => known === type);
}

/** The body of a `json` target: `{type, timestamp, data}`. */
export interface OutboundEvent {
  readonly id: string;
  readonly type: EventType | typeof TEST_EVENT_TYPE;
  readonly timestamp: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Who acted: a key's or a user's name, never a secret. */
function actorOf(principal: Principal | null): { readonly kind: string; readonly name: string } {
  if (principal === null) return { kind: 'host', name: 'host' };
  return principal.kind === 'plugin' ? { kind: 'plugin', name: `${principal.plugin}:${principal.name}` } : { kind: principal.kind, name: principal.name };
}

/**
 * The operation id and the intent (`reason`, `commit`, `pipelineUrl`, those given) of the deploy
 * context; the request id stands in for the operation id of a deploy that is no hook call.
 */
function operationFields(context: DeployContext): Record<string, unknown> {
  const intent: Record<string, string> = {};
  for (const key of ['reason', 'commit', 'pipelineUrl'] as const) {
    const value = context.intent?.[key];
    if (value) intent[key] = value;
  }
  return {
    operationId: context.operationId ?? context.requestId ?? null,
    requestId: context.requestId ?? null,
    ...(Object.keys(intent).length > 0 ? { intent } : {}),
  };
}

function newEvent(type: OutboundEvent['type'], data: Record<string, unknown>, now: number): OutboundEvent {
  return { id: `msg_${randomUUID().replaceAll('-', '')}`, type, timestamp: new Date(now).toISOString(), data };
}

/**
 * The event of a deploy outcome: `deployment.succeeded` or `deployment.failed` for a deploy,
 * redeploy or upgrade; `deployment.rolled_back` for a rollback that put the old version back
 * (one that failed is `deployment.failed`). A removal is no event.
 */
export function deploymentEvent(outcome: DeployOutcome, context: DeployContext, now: number): OutboundEvent | null {
  const { plan } = outcome;
  if (plan.operation === 'remove') return null;
  const type: EventType = !outcome.success ? 'deployment.failed' : plan.operation === 'rollback' ? 'deployment.rolled_back' : 'deployment.succeeded';
  return newEvent(
    type,
    {
      deployment: {
        id: plan.deploymentId,
        stackName: plan.stackName,
        environmentId: plan.environment.id,
        productId: plan.productId,
        version: plan.version,
        previousVersion: outcome.previousVersion ?? null,
      },
      operation: plan.operation,
      ...operationFields(context),
      actor: actorOf(context.principal),
      durationMs: outcome.durationMs,
      ...(outcome.error ? { error: { message: outcome.error.message, code: outcome.error.code } } : {}),
    },
    now,
  );
}

/** `catalog.synced`, or `catalog.sync_failed` when a source failed. */
export function catalogEvent(outcome: CatalogSyncOutcome, now: number): OutboundEvent {
  return newEvent(
    outcome.success ? 'catalog.synced' : 'catalog.sync_failed',
    {
      sourcesSynced: outcome.sourcesSynced,
      stacksLoaded: outcome.stacksLoaded,
      errors: outcome.errors,
      warnings: outcome.warnings.length,
      operationId: outcome.requestId,
      requestId: outcome.requestId,
      actor: actorOf(outcome.principal),
      durationMs: outcome.durationMs,
    },
    now,
  );
}

/** The event `POST /api/event-deliveries/test` sends to every target. */
export function testEvent(now: number): OutboundEvent {
  return newEvent(TEST_EVENT_TYPE, { message: 'A test event from rsgo: this target receives its events.' }, now);
}
