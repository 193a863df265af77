import type { Intent } from '../hooks/intent.js';
import type { Principal } from '../hooks/principal.js';

/** Who asked for an operation, and in which request. */
export interface Caller {
  /** `null` for the host itself (crash recovery). */
  readonly principal: Principal | null;
  /** The asking request's id (`X-Request-Id`): its log lines and live progress carry it. */
  readonly requestId: string | null;
  /** Why the caller asked (reason, commit, pipeline URL); absent when it said nothing. */
  readonly intent?: Intent;
}
