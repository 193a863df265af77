/** A failed API call: the host's `{success:false, message, code}` answer, or no answer at all. */
export class ApiError extends Error {
  /** HTTP status; 0 when the host could not be reached. */
  readonly status: number;
  readonly code: string;
  /** The whole error body: some answers carry more (a sync's `errors`). */
  readonly body: Readonly<Record<string, unknown>>;

  constructor(status: number, message: string, code: string, body: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }

  /** Whatever a call threw, as an ApiError (a bug in the UI shows its message too). */
  static from(err: unknown): ApiError {
    return err instanceof ApiError ? err : new ApiError(0, err instanceof Error ? err.message : String(err), 'UNKNOWN');
  }
}
