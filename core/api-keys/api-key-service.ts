import { randomUUID } from 'node:crypto';
import type { EnvironmentService } from '../environments/environment-service.js';
import { InputError, NotFoundError } from '../errors.js';
import { isUuid } from '../json-body.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import { rowLookup } from '../store/row-lookup.js';
import { storeUnavailable } from '../to-host-error.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { ApiKeyCredential, ApiKeyDirectory, ApiKeySummary, CreatedApiKey } from './api-key.js';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from './api-key-format.js';
import { ApiKeyUsageBuffer } from './api-key-usage.js';
import type { NewApiKey } from './new-api-key.js';

interface ApiKeyRow {
  id: string;
  name: string;
  active_name: string | null;
  key_prefix: string;
  key_hash: string;
  permissions: string;
  environment_id: string | null;
  expires_at: string | null;
  created_at: string;
  last_used_at: string | null;
  is_revoked: number | boolean;
  revoked_at: string | null;
}

/** A row without its secrets' traces: what lists and revocations read. */
type SummaryRow = Omit<ApiKeyRow, 'key_hash' | 'active_name'>;

const summaryColumns = [
  'id', 'name', 'key_prefix', 'permissions', 'environment_id', 'expires_at', 'created_at', 'last_used_at', 'is_revoked', 'revoked_at',
];

/** What a hook call's authentication reads. */
const credentialColumns = ['id', 'name', 'key_hash', 'permissions', 'environment_id', 'expires_at', 'is_revoked'] as const;
type CredentialRow = Pick<ApiKeyRow, (typeof credentialColumns)[number]>;

/** Active names are unique ignoring case, on every engine (MariaDB compares without case anyway). */
const activeNameOf = (name: string) => name.toLowerCase();

const duplicateName = (name: string) =>
  new InputError(`An active API key with name '${name}' already exists.`, { code: 'DUPLICATE_NAME' });

/** API keys for pipelines: created and revoked by signed-in users, looked up by hash on each hook call. */
export class ApiKeyService implements ApiKeyDirectory {
  readonly #store: Store;
  readonly #environments: EnvironmentService;
  readonly #usage: ApiKeyUsageBuffer;
  readonly #byHash: (keyHash: string) => Promise<CredentialRow | undefined>;

  constructor(store: Store, environments: EnvironmentService, log: Logger) {
    this.#store = store;
    this.#environments = environments;
    this.#usage = new ApiKeyUsageBuffer(store, log);
    this.#byHash = rowLookup(store, (db, keyHash) => db('api_keys').select(credentialColumns).where({ key_hash: keyHash }));
  }

  /** Creates a key and returns it in full, once. Only its SHA-256 hash is stored. */
  async create(input: NewApiKey): Promise<CreatedApiKey> {
    if (input.environmentId !== null && !(await this.#environments.find(input.environmentId))) {
      throw new InputError(`Environment '${input.environmentId}' not found.`, { code: 'ENVIRONMENT_NOT_FOUND' });
    }
    const activeName = activeNameOf(input.name);
    if (await this.#store('api_keys').where({ active_name: activeName }).first('id')) throw duplicateName(input.name);
    const fullKey = generateApiKey();
    const row: ApiKeyRow = {
      id: randomUUID(),
      name: input.name,
      active_name: activeName,
      key_prefix: apiKeyDisplayPrefix(fullKey),
      key_hash: hashApiKey(fullKey),
      permissions: JSON.stringify(input.permissions),
      environment_id: input.environmentId,
      expires_at: input.expiresAt,
      created_at: new Date().toISOString(),
      last_used_at: null,
      is_revoked: false,
      revoked_at: null,
    };
    try {
      await this.#store('api_keys').insert(row);
    } catch (err) {
      // Two creates with one name raced past the check above: the unique index decides.
      if (isUniqueViolation(err)) throw duplicateName(input.name);
      throw err;
    }
    return {
      id: row.id,
      name: row.name,
      keyPrefix: row.key_prefix,
      fullKey,
      permissions: input.permissions,
      environmentId: row.environment_id,
      expiresAt: row.expires_at,
      createdAt: row.created_at,
    };
  }

  /** Every key, revoked and expired ones included, by name. Uses not yet written show too. */
  async list(): Promise<ApiKeySummary[]> {
    const rows = await this.#store('api_keys').select<SummaryRow[]>(summaryColumns).orderBy([{ column: 'name' }, { column: 'created_at' }]);
    return rows.map((row) => this.#summary(row));
  }

  /** Revokes a key; the very next request with it is refused. */
  async revoke(id: string): Promise<ApiKeySummary> {
    const row = isUuid(id) ? await this.#store('api_keys').where({ id: id.toLowerCase() }).first<SummaryRow | undefined>(summaryColumns) : undefined;
    if (!row) throw new NotFoundError('API key not found.', { code: 'API_KEY_NOT_FOUND' });
    const alreadyRevoked = new InputError('API key is already revoked.', { code: 'API_KEY_ALREADY_REVOKED' });
    if (row.is_revoked) throw alreadyRevoked;
    const revokedAt = new Date().toISOString();
    const changed = await this.#store('api_keys')
      .where({ id: row.id, is_revoked: false })
      .update({ is_revoked: true, revoked_at: revokedAt, active_name: null });
    if (changed === 0) throw alreadyRevoked;
    return this.#summary({ ...row, is_revoked: true, revoked_at: revokedAt });
  }

  /** One query on the unique `key_hash` index. */
  async findByHash(keyHash: string): Promise<ApiKeyCredential | null> {
    let row: CredentialRow | undefined;
    try {
      row = await this.#byHash(keyHash);
    } catch (err) {
      // Asked on every hook call: a database outage must read as 503, not as a plugin crash.
      throw storeUnavailable(err) ?? err;
    }
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      keyHash: row.key_hash,
      permissions: JSON.parse(row.permissions) as string[],
      environmentId: row.environment_id,
      expiresAt: row.expires_at,
      isRevoked: Boolean(row.is_revoked),
    };
  }

  recordUse(id: string): void {
    this.#usage.note(id);
  }

  /** Writes pending `lastUsedAt` values now (they are otherwise written within 30 s). */
  flushUsage(): Promise<void> {
    return this.#usage.flush();
  }

  /** Final write of pending uses; call before the store closes. */
  close(): Promise<void> {
    return this.#usage.close();
  }

  #summary(row: SummaryRow): ApiKeySummary {
    const pending = this.#usage.pending(row.id);
    return {
      id: row.id,
      name: row.name,
      keyPrefix: row.key_prefix,
      permissions: JSON.parse(row.permissions) as string[],
      environmentId: row.environment_id,
      expiresAt: row.expires_at,
      createdAt: row.created_at,
      lastUsedAt: pending !== null && (row.last_used_at === null || pending > row.last_used_at) ? pending : row.last_used_at,
      isRevoked: Boolean(row.is_revoked),
      revokedAt: row.revoked_at,
    };
  }
}
