import { randomUUID } from 'node:crypto';
import type { CatalogSourceRequest } from '../hooks/catalog-source.js';
import type { CatalogSyncOutcome } from '../hooks/catalog-sync-outcome.js';
import type { DeployOutcome, DeployPlan, DeployResult } from '../hooks/deploy-plan.js';
import type { AuthRequest, HostPrincipal, Principal } from '../hooks/principal.js';

/** An API key's principal (every hook permission, any environment) unless `input` says otherwise. */
export function testPrincipal(input: Partial<HostPrincipal> = {}): Principal {
  return {
    kind: 'apiKey',
    id: randomUUID(),
    name: 'test-key',
    permissions: ['Hooks.Redeploy', 'Hooks.Upgrade', 'Hooks.SyncSources'],
    environmentId: null,
    ...input,
  };
}

/**
 * What an `authenticate` tap receives for a request with `headers` (names in any case; the
 * host hands them over lower-cased): `POST /api/hooks/redeploy` from 127.0.0.1 unless `input` says otherwise.
 */
export function testAuthRequest(headers: Readonly<Record<string, string>>, input: Partial<Omit<AuthRequest, 'headers'>> = {}): AuthRequest {
  const lowered = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method: 'POST', path: '/api/hooks/redeploy', ip: '127.0.0.1', requestId: randomUUID(), ...input, headers: lowered };
}

/** What a `catalogSource` tap receives on a sync of source `sourceId`, first sync unless `previousRevision` is given. */
export function testCatalogRequest(sourceId: string, input: { previousRevision?: string | null; signal?: AbortSignal } = {}): CatalogSourceRequest {
  return { sourceId, previousRevision: input.previousRevision ?? null, signal: input.signal ?? new AbortController().signal };
}

/**
 * What an `afterDeploy` tap receives: `plan` ended well with `result` (by default no services),
 * or, given `error`, failed with it.
 */
export function testDeployOutcome(
  plan: DeployPlan,
  input: { result?: DeployResult; error?: { message: string; code: string }; durationMs?: number; previousVersion?: string | null } = {},
): DeployOutcome {
  const { error } = input;
  return {
    plan,
    success: error === undefined,
    result: error === undefined ? (input.result ?? { runtime: 'test-runtime', services: [] }) : null,
    error: error ?? null,
    durationMs: input.durationMs ?? 1,
    previousVersion: input.previousVersion ?? null,
  };
}

/**
 * What an `afterCatalogSync` tap receives: a sync of one source that loaded one product version,
 * started by the host itself; given `errors`, a failed one.
 */
export function testCatalogSyncOutcome(input: Partial<Omit<CatalogSyncOutcome, 'success'>> = {}): CatalogSyncOutcome {
  const errors = input.errors ?? [];
  return {
    sourcesSynced: errors.length > 0 ? 0 : 1,
    stacksLoaded: 1,
    warnings: [],
    durationMs: 1,
    principal: null,
    requestId: null,
    ...input,
    errors,
    success: errors.length === 0,
  };
}
