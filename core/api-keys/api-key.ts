/** An API key as the management API lists it: never the key, never its hash. */
export interface ApiKeySummary {
  readonly id: string;
  readonly name: string;
  readonly keyPrefix: string;
  readonly permissions: readonly string[];
  readonly environmentId: string | null;
  readonly expiresAt: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly isRevoked: boolean;
  readonly revokedAt: string | null;
}

/** The answer to a create: the only time `fullKey` exists outside the caller. */
export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly keyPrefix: string;
  readonly fullKey: string;
  readonly permissions: readonly string[];
  readonly environmentId: string | null;
  readonly expiresAt: string | null;
  readonly createdAt: string;
}

/** What an authentication plugin needs to judge a presented key, found by its hash. */
export interface ApiKeyCredential {
  readonly id: string;
  readonly name: string;
  /** SHA-256 hex, to confirm the match in constant time. */
  readonly keyHash: string;
  readonly permissions: readonly string[];
  readonly environmentId: string | null;
  readonly expiresAt: string | null;
  readonly isRevoked: boolean;
}

/** The API key store as the host offers it to authentication plugins. */
export interface ApiKeyDirectory {
  /** One indexed lookup by SHA-256 hex; `null` when no key has that hash. */
  findByHash(keyHash: string): Promise<ApiKeyCredential | null>;
  /** Notes a successful use; written in batches, never on the request's path. */
  recordUse(id: string): void;
}
