import type { Intent } from '../hooks/intent.js';
import type { PrincipalIdentity } from '../hooks/principal.js';

/** What was done. Plugins may record their own actions (e.g. `auth.rejected`). */
export type AuditAction =
  | 'apiKey.created'
  | 'apiKey.revoked'
  | 'auth.login'
  | 'auth.logout'
  | 'auth.password'
  | 'auth.rejected'
  | 'environment.created'
  | 'environment.deleted'
  | 'hook.call'
  | (string & {});

/** How it ended: done, refused (401/403/429), or failed (any other error). */
export type AuditOutcome = 'success' | 'denied' | 'failure';

/** One entry to record. Never put a key, token or password in any field. */
export interface AuditEventInput {
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  /** HTTP status of the answer, when the event is a request. */
  readonly status?: number | null;
  /** Who acted; `null` when nobody was authenticated. */
  readonly actor?: PrincipalIdentity | null;
  readonly clientIp?: string | null;
  /** `METHOD /path`. */
  readonly endpoint?: string | null;
  /** What was acted on: a stack, a product, a key name... */
  readonly target?: string | null;
  readonly environmentId?: string | null;
  readonly durationMs?: number | null;
  /** The stable error code of a refused or failed request. */
  readonly code?: string | null;
  /** A short human note (an error message shown to the client, a rejection reason). */
  readonly message?: string | null;
  /** The first 12 characters of an API key that was tried (`auth.rejected`); more is cut off when recorded. */
  readonly keyPrefix?: string | null;
  /** Why the caller asked (reason, commit, pipeline URL), for requests that start operations. */
  readonly intent?: Intent | null;
}

/** A recorded entry as `GET /api/audit` shows it. */
export interface AuditEvent {
  readonly id: number;
  readonly at: string;
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly status: number | null;
  readonly actorKind: string | null;
  readonly actorId: string | null;
  readonly actorName: string | null;
  readonly clientIp: string | null;
  readonly endpoint: string | null;
  readonly target: string | null;
  readonly environmentId: string | null;
  readonly durationMs: number | null;
  readonly code: string | null;
  readonly message: string | null;
  readonly keyPrefix: string | null;
  /** The caller's intent; `null` when not given. */
  readonly reason: string | null;
  readonly commit: string | null;
  readonly pipelineUrl: string | null;
}

/** Records audit events; what the host offers plugins. Recording never throws. */
export interface AuditRecorder {
  record(event: AuditEventInput): Promise<void>;
}
