import { timingSafeEqual } from 'node:crypto';
import { hashApiKey, isApiKeyFormat, type ApiKeyCredential, type ApiKeyDirectory } from '../../core/plugin-api.js';

/** Why a presented key was refused: for the operator's log and audit, never for the client. */
export type RejectionReason = 'malformed key' | 'unknown key' | 'revoked key' | 'expired key';

export type ApiKeyVerdict =
  | { readonly accepted: true; readonly key: ApiKeyCredential }
  | { readonly accepted: false; readonly reason: RejectionReason; readonly key: ApiKeyCredential | null };

/**
 * Judges a presented key: format, then one indexed lookup of its SHA-256 hash, a constant-time
 * confirmation of the hash, then revocation and expiry. Revocation is read from the store on
 * every call, so it takes effect on the very next request.
 */
export async function checkApiKey(presented: string, directory: ApiKeyDirectory, now = Date.now()): Promise<ApiKeyVerdict> {
  if (!isApiKeyFormat(presented)) return { accepted: false, reason: 'malformed key', key: null };
  const hash = hashApiKey(presented);
  const key = await directory.findByHash(hash);
  if (!key || !timingSafeEqual(Buffer.from(key.keyHash), Buffer.from(hash))) return { accepted: false, reason: 'unknown key', key: null };
  if (key.isRevoked) return { accepted: false, reason: 'revoked key', key };
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) return { accepted: false, reason: 'expired key', key };
  return { accepted: true, key };
}
