/** Who is calling: what an `authenticate` tap returns for credentials it owns. */
export interface Principal {
  /** `apiKey` for pipeline keys (hooks only); `user` for signed-in operators. */
  readonly kind: 'apiKey' | 'user';
  readonly id: string;
  readonly name: string;
  /** Hook permissions such as `Hooks.Redeploy`; users hold every permission. */
  readonly permissions: readonly string[];
  /** Environment an API key is restricted to; `null` means any. */
  readonly environmentId: string | null;
}

/** What an `authenticate` tap sees of a request. Header names are lower case. */
export interface AuthRequest {
  readonly method: string;
  readonly path: string;
  readonly ip: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The request's id (`X-Request-Id`), for log lines. Since plugin API 1.2; the host always sets it. */
  readonly requestId?: string;
}
