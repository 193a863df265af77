import type { ContainerOutput } from '../hooks/deploy-plan.js';
import type { OperationReporter } from './operation-journal.js';

/** Lines of container output an operation shows; later ones are dropped. */
export const MAX_OUTPUT_LINES = 1_000;
/** Characters shown of one line; the rest is cut off and marked with `…`. */
export const MAX_OUTPUT_LINE_LENGTH = 2_000;

/**
 * The `log` events of one operation, from the container output its runtime relays (already
 * redacted: cutting a line first could leave part of a secret unrecognised). A chatty container
 * may neither flood the store nor crowd out the operation's steps (the journal keeps 5,000 events
 * an operation): at most {@link MAX_OUTPUT_LINES} lines of at most {@link MAX_OUTPUT_LINE_LENGTH}
 * characters, and one more line saying that the rest was dropped.
 */
export function boundedOutput(report: OperationReporter): (event: ContainerOutput) => void {
  let lines = 0;
  return ({ service, line }) => {
    if (lines > MAX_OUTPUT_LINES) return;
    lines += 1;
    const shown =
      lines > MAX_OUTPUT_LINES
        ? `(further output dropped: an operation shows at most ${MAX_OUTPUT_LINES} lines)`
        : line.length > MAX_OUTPUT_LINE_LENGTH
          ? `${line.slice(0, MAX_OUTPUT_LINE_LENGTH)}…`
          : line;
    report('log', { service, line: shown });
  };
}
