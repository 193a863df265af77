import type { ExecutionContext } from 'ava';
import type { WebhookHandlers } from '../../core/triggers/webhook-handlers.js';
import { createKey, defaultEnvironmentId, useAuthHost, type AuthTestHost } from './api-keys.js';
import { emptyHandlers, type HookCall } from './recording-webhook-handlers.js';

/** A host as a pipeline sees it: its URL and a key for every hook, scoped to the default environment. */
export interface PipelineHost {
  readonly auth: AuthTestHost;
  /** What the handlers were asked, in order. */
  readonly calls: HookCall[];
  readonly environmentId: string;
  /** `RSGO_URL` and `RSGO_API_KEY`, the pipeline variables. */
  readonly env: { readonly RSGO_URL: string; readonly RSGO_API_KEY: string };
}

/** Starts a host whose webhooks run `handlers` (the empty host's by default) and creates the pipeline's key. */
export async function usePipelineHost(t: ExecutionContext, handlers: (calls: HookCall[]) => WebhookHandlers = emptyHandlers): Promise<PipelineHost> {
  const calls: HookCall[] = [];
  const auth = await useAuthHost(t, 'sqlite', { webhookHandlers: handlers(calls) });
  const environmentId = await defaultEnvironmentId(auth);
  const key = await createKey(t, auth, { name: 'pipeline', permissions: ['Hooks.Redeploy', 'Hooks.Upgrade', 'Hooks.SyncSources'], environmentId });
  return { auth, calls, environmentId, env: { RSGO_URL: auth.host.url, RSGO_API_KEY: key.fullKey } };
}

/** The `hook.call` audit rows of the host, oldest first (their intent included). */
export async function hookCallEvents(host: PipelineHost): Promise<Array<Record<string, unknown>>> {
  await host.auth.host.host.audit.flush();
  const res = await host.auth.host.request('GET', '/api/audit', { token: host.auth.token });
  return (res.body['events'] as Array<Record<string, unknown>>).filter((e) => e['action'] === 'hook.call').reverse();
}
