import type { ParameterizedContext } from 'koa';
import type { Principal } from '../hooks/principal.js';

/** What middleware keeps on `ctx.state` for one request. */
export interface RequestState {
  requestId: string;
  /** Set once `authenticate` ran: the caller, or null when no plugin recognised credentials. */
  principal?: Principal | null;
}

/** The Koa context every route handler receives. */
export type AppContext = ParameterizedContext<RequestState>;
