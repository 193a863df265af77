import type { ApiKeySummary } from '../api/api-types.js';

export type ApiKeyStatus = 'Active' | 'Expired' | 'Revoked';

/** Revoked wins over expired: revocation is what an operator did on purpose. */
export function apiKeyStatus(key: Pick<ApiKeySummary, 'isRevoked' | 'expiresAt'>, now = Date.now()): ApiKeyStatus {
  if (key.isRevoked) return 'Revoked';
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) return 'Expired';
  return 'Active';
}
