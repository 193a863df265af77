import type { Caller } from '../auth/caller.js';
import type { ContainerOutput, DeployContext, DeployProgress } from '../hooks/deploy-plan.js';
import { NO_INTENT } from '../hooks/intent.js';
import { withRedactor, type SecretRedactor } from '../hooks/secret-redactor.js';
import type { Logger } from '../logger.js';

/** What an operation hands its plugins besides the caller: the deadline, its log and where steps go. */
export interface OperationChannels {
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Every step the runtime reports, already redacted. */
  readonly progress: (event: DeployProgress) => void;
}

/**
 * The deploy context of one operation. What runtimes report, log and throw passes the redactor
 * before anyone sees it; container output is read only when someone follows the operation.
 */
export function operationDeployContext(caller: Caller, channels: OperationChannels, secrets: SecretRedactor): DeployContext {
  const { signal, log, progress } = channels;
  const relay = caller.output;
  return withRedactor(
    {
      signal,
      principal: caller.principal,
      requestId: caller.requestId,
      intent: caller.intent ?? NO_INTENT,
      operationId: caller.operationId ?? null,
      log,
      progress: (event) => progress({ ...event, message: secrets.text(event.message) }),
      ...(relay === undefined ? {} : { output: (event: ContainerOutput) => relay({ service: event.service, line: secrets.text(event.line) }) }),
    },
    secrets,
  );
}
