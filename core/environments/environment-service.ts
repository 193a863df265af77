import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ConflictError, InputError, NotFoundError } from '../errors.js';
import type { PlanEnvironment } from '../hooks/deploy-plan.js';
import type { EnvironmentSettings, RuntimeLookup } from '../hooks/runtime-registry.js';
import type { Store } from '../store/open-store.js';
import type { Environment } from './environment.js';

/** A new environment as requested: `settings` are checked by the runtime serving `type`. */
export interface NewEnvironment {
  readonly name: string;
  readonly type: string;
  readonly settings: EnvironmentSettings;
}

interface EnvironmentRow {
  id: string;
  name: string;
  type: string;
  /** JSON object. Nullable only because MySQL gives a TEXT column no default; always written. */
  settings: string | null;
  is_default: number | boolean;
  created_at: string;
}

/** Name of the environment created on first start: the local engine of the default runtime. */
export const DEFAULT_ENVIRONMENT_NAME = 'local';
/** Type of the `local` environment, and of a new environment whose request names none. */
export const DEFAULT_ENVIRONMENT_TYPE = 'docker';

const settingsOf = (row: EnvironmentRow): EnvironmentSettings => JSON.parse(row.settings ?? '{}') as EnvironmentSettings;

/** Environments: where stacks run, each served by the runtime plugin of its type. */
export class EnvironmentService {
  readonly #store: Store;
  readonly #runtimes: RuntimeLookup;

  constructor(store: Store, runtimes: RuntimeLookup) {
    this.#store = store;
    this.#runtimes = runtimes;
  }

  /**
   * The view of a row: id, name and type, the runtime's public settings, the rest. The
   * environment's own fields win over settings of the same name.
   */
  #view(row: EnvironmentRow): Environment {
    const own = { id: row.id, name: row.name, type: row.type, isDefault: Boolean(row.is_default), createdAt: row.created_at };
    const runtime = this.#runtimes.serving(row.type);
    return Object.assign({ id: own.id, name: own.name, type: own.type }, runtime?.publicSettings(settingsOf(row)), own);
  }

  async list(): Promise<Environment[]> {
    const rows = await this.#store<EnvironmentRow>('environments').orderBy([{ column: 'is_default', order: 'desc' }, 'name']);
    return rows.map((row) => this.#view(row));
  }

  async find(id: string): Promise<Environment | null> {
    const row = await this.#store<EnvironmentRow>('environments').where({ id }).first();
    return row ? this.#view(row) : null;
  }

  async get(id: string): Promise<Environment> {
    return this.#view(await this.#row(id));
  }

  /** What a runtime needs to reach the environment, secret settings included. */
  async planEnvironment(id: string): Promise<PlanEnvironment> {
    const row = await this.#row(id);
    return { id: row.id, name: row.name, type: row.type, settings: settingsOf(row) };
  }

  async #row(id: string): Promise<EnvironmentRow> {
    const row = await this.#store<EnvironmentRow>('environments').where({ id }).first();
    if (!row) throw new NotFoundError(`Environment '${id}' not found.`, { code: 'ENVIRONMENT_NOT_FOUND' });
    return row;
  }

  /**
   * @throws InputError (`ENVIRONMENT_TYPE`) when no enabled runtime serves the type, or naming
   *   the settings its runtime refused.
   * @throws ConflictError when the name is taken.
   */
  async create(input: NewEnvironment): Promise<Environment> {
    const runtime = this.#runtimes.serving(input.type);
    if (!runtime) {
      const available = this.#runtimes.types().join(', ') || 'none';
      throw new InputError(`Unknown environment type '${input.type}'. Available: ${available}.`, { code: 'ENVIRONMENT_TYPE' });
    }
    return this.#insert(input.name, input.type, runtime.validSettings(input.settings), false);
  }

  async #insert(requestedName: string, type: string, settings: EnvironmentSettings, isDefault: boolean): Promise<Environment> {
    const name = requestedName.trim();
    if (name === '' || name.length > 100) throw new InputError('Environment name must be 1 to 100 characters.');
    const existing = await this.#store('environments').where({ name }).first();
    if (existing) throw new ConflictError(`Environment '${name}' already exists.`);
    const row: EnvironmentRow = {
      id: randomUUID(),
      name,
      type,
      settings: JSON.stringify(settings),
      is_default: isDefault,
      created_at: new Date().toISOString(),
    };
    await this.#store('environments').insert(row);
    return this.#view(row);
  }

  /**
   * Creates the `local` environment on first start; later starts leave the table alone. Its
   * settings are the default runtime's defaults, or none when no runtime plugin is enabled.
   */
  async ensureDefault(): Promise<Environment> {
    const row = await this.#store<EnvironmentRow>('environments').where({ is_default: true }).first();
    if (row) return this.#view(row);
    const settings = this.#runtimes.serving(DEFAULT_ENVIRONMENT_TYPE)?.validSettings({}) ?? {};
    try {
      return await this.#insert(DEFAULT_ENVIRONMENT_NAME, DEFAULT_ENVIRONMENT_TYPE, settings, true);
    } catch (err) {
      // Another host process sharing the database created it first.
      const again = await this.#store<EnvironmentRow>('environments').where({ is_default: true }).first();
      if (again) return this.#view(again);
      throw err;
    }
  }

  /**
   * Deletes an environment that holds nothing: no deployment that is not `Removed`, no API key
   * that is not revoked. Its removed deployments' records and history go with it; revoked keys
   * keep their record, no longer scoped.
   * @throws NotFoundError for an unknown id.
   * @throws ConflictError for the default environment, or naming what it still holds.
   */
  async remove(id: string): Promise<Environment> {
    const environment = await this.get(id);
    const refuse = (message: string, code: 'ENVIRONMENT_DEFAULT' | 'ENVIRONMENT_IN_USE') => new ConflictError(`Environment '${environment.name}' ${message}`, { code });
    if (environment.isDefault) throw refuse('is the default environment and cannot be deleted.', 'ENVIRONMENT_DEFAULT');
    await this.#store.transaction(async (trx) => {
      const count = async (table: string, where: (query: Knex.QueryBuilder) => Knex.QueryBuilder) =>
        Number((await where(trx(table).where({ environment_id: id })).count({ n: '*' }).first())?.['n'] ?? 0);
      const deployments = await count('deployments', (query) => query.whereNot({ status: 'Removed' }));
      if (deployments > 0) throw refuse(`holds ${deployments} deployment(s) that are not removed; remove them first.`, 'ENVIRONMENT_IN_USE');
      const keys = await count('api_keys', (query) => query.where({ is_revoked: false }));
      if (keys > 0) throw refuse(`has ${keys} API key(s) scoped to it that are not revoked; revoke them first.`, 'ENVIRONMENT_IN_USE');
      await trx('deployments').where({ environment_id: id }).delete();
      await trx('product_deployments').where({ environment_id: id }).delete();
      await trx('api_keys').where({ environment_id: id }).update({ environment_id: null });
      await trx('stack_leases').where({ environment_id: id }).delete();
      // Another request may have deleted it meanwhile: then this one did not.
      if ((await trx('environments').where({ id }).delete()) === 0) throw new NotFoundError(`Environment '${id}' not found.`, { code: 'ENVIRONMENT_NOT_FOUND' });
    });
    return environment;
  }
}
