/**
 * Why an authentication failed, as `rsgo_auth_failures_total` labels it: a fixed set. The
 * reasons the host and its API-key plugin write into the audit trail map to their own value;
 * anything else a plugin writes counts as `other`, never as its own text.
 */
export const authFailureReasons = [
  'malformed_key', 'unknown_key', 'revoked_key', 'expired_key', 'unknown_user', 'wrong_password', 'metrics_token', 'other',
] as const;
export type AuthFailureReason = (typeof authFailureReasons)[number];

const byAuditMessage: ReadonlyMap<string, AuthFailureReason> = new Map([
  ['malformed key', 'malformed_key'],
  ['unknown key', 'unknown_key'],
  ['revoked key', 'revoked_key'],
  ['expired key', 'expired_key'],
  ['unknown user', 'unknown_user'],
  ['wrong password', 'wrong_password'],
]);

/** The audit actions that are authentications: a refused key, a refused sign-in or password check. */
const authActions: ReadonlySet<string> = new Set(['auth.rejected', 'auth.login', 'auth.password']);

/** The reason of an audit event that records a refused authentication; `null` for any other event. */
export function authFailureOf(event: { readonly action: string; readonly outcome: string; readonly message?: string | null }): AuthFailureReason | null {
  if (event.outcome !== 'denied' || !authActions.has(event.action)) return null;
  return byAuditMessage.get(event.message ?? '') ?? 'other';
}
