import { randomUUID } from 'node:crypto';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../core/api-keys/api-key-format.js';
import type { Store } from '../core/store/open-store.js';

/** Rows per INSERT: well below SQLite's and MariaDB's limits on bound values. */
const BATCH = 500;

/**
 * Fills the key store with `count` active keys, straight through the store (the API would take
 * minutes for 100,000): real generated keys, real SHA-256 hashes, every column as the service
 * writes it. The keys themselves are thrown away.
 */
export async function seedApiKeys(store: Store, count: number, environmentId: string): Promise<void> {
  const createdAt = new Date().toISOString();
  await store.transaction(async (trx) => {
    for (let start = 0; start < count; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const key = generateApiKey();
        const name = `bench-seed-${i}`;
        rows.push({
          id: randomUUID(),
          name,
          active_name: name,
          key_prefix: apiKeyDisplayPrefix(key),
          key_hash: hashApiKey(key),
          permissions: JSON.stringify(['Hooks.Redeploy']),
          environment_id: environmentId,
          expires_at: null,
          created_at: createdAt,
          last_used_at: null,
          is_revoked: false,
          revoked_at: null,
        });
      }
      await trx('api_keys').insert(rows);
    }
  });
}
