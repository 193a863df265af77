/**
 * Why an operation ran, as the pipeline or person that asked for it told the host: a reason, the
 * commit it deploys and the pipeline run's address. Every field is optional; `null` when not given.
 * Kept in the history entry and the audit row, and handed to plugins on the deploy context.
 */
export interface Intent {
  readonly reason: string | null;
  readonly commit: string | null;
  /** An http(s) URL of the pipeline run. */
  readonly pipelineUrl: string | null;
}

/** What an operation the host starts on its own (recovery) or one without intent carries. */
export const NO_INTENT: Intent = Object.freeze({ reason: null, commit: null, pipelineUrl: null });
