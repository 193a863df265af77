import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import { storeUnavailable } from '../to-host-error.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { DEFAULT_SCRYPT_COST, hashPassword, verifyPassword, type ScryptCost } from './password-hash.js';

/** A user who signs in to the management API (every user is an administrator for now). Usernames are stored in lower case. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly createdAt: string;
}

/** How a sign-in went: the user the name belongs to (if any) and whether the password matched. */
export interface SignInAttempt {
  readonly user: User | null;
  readonly passwordMatches: boolean;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: string;
}

/** Shortest password accepted for the first administrator from the environment. */
export const MIN_ADMIN_PASSWORD_LENGTH = 12;
const DEFAULT_ADMIN_USER = 'admin';

/** Usernames are case-insensitive on every engine (MariaDB compares them so anyway). */
const normalise = (username: string) => username.trim().toLowerCase();

const toUser = (row: UserRow): User => ({ id: row.id, username: row.username, createdAt: row.created_at });

/** Users and their passwords (scrypt with a salt per user). */
export class UserService {
  readonly #store: Store;
  readonly #cost: ScryptCost;
  // Checked against when a username is unknown, so both cases take the same time.
  #decoyHash: Promise<string> | null = null;

  constructor(store: Store, cost: ScryptCost = DEFAULT_SCRYPT_COST) {
    this.#store = store;
    this.#cost = cost;
  }

  async findById(id: string): Promise<User | null> {
    try {
      const row = await this.#store<UserRow>('users').where({ id }).first();
      return row ? toUser(row) : null;
    } catch (err) {
      // Asked on every signed-in request: a database outage must read as 503, not as a crash.
      throw storeUnavailable(err) ?? err;
    }
  }

  async create(username: string, password: string): Promise<User> {
    const row: UserRow = { id: randomUUID(), username: normalise(username), password_hash: await hashPassword(password, this.#cost), created_at: new Date().toISOString() };
    await this.#store('users').insert(row);
    return toUser(row);
  }

  /**
   * Replaces the password of `username` (offline administration: `rsgo admin set-password`);
   * `null` when there is no such user. Every session of that user ends.
   */
  async setPassword(username: string, password: string): Promise<User | null> {
    const row = await this.#store<UserRow>('users').where({ username: normalise(username) }).first();
    if (!row) return null;
    await this.changePassword(row.id, password, null);
    return toUser(row);
  }

  /**
   * Replaces the password of user `id` and ends the user's sessions, all but `keepSessionId`
   * (the one that asked for the change), in one transaction: a session opened with the old
   * password never outlives it.
   */
  async changePassword(id: string, password: string, keepSessionId: string | null): Promise<void> {
    const hash = await hashPassword(password, this.#cost);
    await this.#store.transaction(async (trx) => {
      await trx('users').where({ id }).update({ password_hash: hash });
      const sessions = trx('sessions').where({ user_id: id });
      await (keepSessionId === null ? sessions : sessions.whereNot({ id: keepSessionId })).delete();
    });
  }

  /** Whether `password` is the current password of user `id` (compared in constant time). */
  async hasPassword(id: string, password: string): Promise<boolean> {
    const row = await this.#store<UserRow>('users').where({ id }).first();
    return row !== undefined && (await verifyPassword(password, row.password_hash));
  }

  /** Checks a username and password; unknown names cost as much time as wrong passwords. */
  async signIn(username: string, password: string): Promise<SignInAttempt> {
    const row = await this.#store<UserRow>('users').where({ username: normalise(username) }).first();
    this.#decoyHash ??= hashPassword(randomBytes(16).toString('hex'), this.#cost);
    const matches = await verifyPassword(password, row?.password_hash ?? (await this.#decoyHash));
    return { user: row ? toUser(row) : null, passwordMatches: row !== undefined && matches };
  }

  /**
   * Creates the first administrator when there is no user yet: `RSGO_ADMIN_USER` (default
   * `admin`) with `RSGO_ADMIN_PASSWORD`, or with a random password printed once to the log.
   */
  async ensureFirstAdmin(env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
    if (await this.#store('users').first('id')) return;
    const username = normalise(env['RSGO_ADMIN_USER'] ?? '') || DEFAULT_ADMIN_USER;
    const given = env['RSGO_ADMIN_PASSWORD'];
    if (username.length > 100) throw new ConfigError(['RSGO_ADMIN_USER: must be at most 100 characters']);
    if (given !== undefined && given !== '' && given.length < MIN_ADMIN_PASSWORD_LENGTH) {
      throw new ConfigError([`RSGO_ADMIN_PASSWORD: must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`]);
    }
    const password = given || randomBytes(18).toString('base64url');
    try {
      await this.create(username, password);
    } catch (err) {
      // Another host sharing the database created the first user at the same moment.
      if (isUniqueViolation(err) || (await this.#store('users').first('id'))) return;
      throw err;
    }
    if (given) {
      log.info({ username }, 'created the first administrator from RSGO_ADMIN_USER and RSGO_ADMIN_PASSWORD');
    } else {
      // The one deliberate exception to "no secret in the log": the operator has no other way to
      // learn it. It is printed on this first start only.
      log.warn(
        { username },
        `created the first administrator '${username}' with the generated password ${password} - shown only this once; sign in and keep it safe`,
      );
    }
  }
}
