import type { ParameterizedContext } from 'koa';
import type { Principal } from '../hooks/principal.js';
import type { HookOutcome } from '../metrics/hook-outcome.js';

/** What middleware keeps on `ctx.state` for one request. */
export interface RequestState {
  requestId: string;
  /** Set once `authenticate` ran: the caller, or null when no plugin recognised credentials. */
  principal?: Principal | null;
  /** Set by a webhook route that failed: how, when its status alone cannot tell (for the metrics). */
  hookOutcome?: HookOutcome;
}

/** The Koa context every route handler receives. */
export type AppContext = ParameterizedContext<RequestState>;
