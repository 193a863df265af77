/** Who is calling: what an `authenticate` tap returns for credentials it owns. */
export type Principal = HostPrincipal | PluginPrincipal;

/** A pipeline's API key or a signed-in operator, as the host's own authenticators answer. */
export interface HostPrincipal {
  /** `apiKey` for pipeline keys (hooks only); `user` for signed-in operators. */
  readonly kind: 'apiKey' | 'user';
  readonly id: string;
  readonly name: string;
  /** Hook permissions such as `Hooks.Redeploy`; users hold every permission. */
  readonly permissions: readonly string[];
  /** Environment an API key is restricted to; `null` means any. */
  readonly environmentId: string | null;
}

/**
 * A caller a plugin authenticator vouches for (a static token, an OIDC client): shown as
 * `plugin:<name>` in history and with kind `plugin` in the audit trail, never as an API key.
 * It may call the webhooks its permissions name, never the management API. Since plugin API 1.4.
 */
export interface PluginPrincipal {
  readonly kind: 'plugin';
  /** The plugin instance that vouched for the caller; the host sets it to the tap's instance. */
  readonly plugin: string;
  /** The caller's name as the plugin knows it. */
  readonly name: string;
  /** Hook permissions such as `Hooks.Redeploy`. */
  readonly permissions: readonly string[];
  /** Environment the caller is restricted to; absent or `null` means any. */
  readonly environmentId?: string | null;
}

/** Who acted, as history and the audit trail record it. */
export interface PrincipalIdentity {
  readonly kind: Principal['kind'];
  readonly id: string;
  readonly name: string;
}

/** The identity of `principal`: a plugin principal is known by its plugin instance. */
export function principalIdentity(principal: Principal): PrincipalIdentity {
  const id = principal.kind === 'plugin' ? principal.plugin : principal.id;
  return { kind: principal.kind, id, name: principal.name };
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
