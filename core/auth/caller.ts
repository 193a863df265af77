import type { ContainerOutput, DeployProgress } from '../hooks/deploy-plan.js';
import type { Intent } from '../hooks/intent.js';
import type { Principal } from '../hooks/principal.js';

/** A step of an operation as its followers see it: what runtimes report, and the host's own `rollback`. */
export interface CallerProgress {
  readonly service: string | null;
  readonly step: DeployProgress['step'] | 'rollback';
  readonly message: string;
}

/** Who asked for an operation, and in which request. */
export interface Caller {
  /** `null` for the host itself (crash recovery). */
  readonly principal: Principal | null;
  /** The asking request's id (`X-Request-Id`): its log lines and live progress carry it. */
  readonly requestId: string | null;
  /** Where the operation's steps go as they happen (redacted), for whoever follows it. */
  readonly progress?: (event: CallerProgress) => void;
  /** Where new containers' output lines go as they are written (redacted), for whoever follows it. */
  readonly output?: (event: ContainerOutput) => void;
  /** Why the caller asked (reason, commit, pipeline URL); absent when it said nothing. */
  readonly intent?: Intent;
  /** The operation this call became (`GET /api/operations/:id`), for hook calls. */
  readonly operationId?: string;
}
