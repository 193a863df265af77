import { randomUUID } from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '../errors.js';
import type { PlanEnvironment } from '../hooks/deploy-plan.js';
import type { Store } from '../store/open-store.js';
import type { Environment } from './environment.js';

export interface NewEnvironment {
  readonly name: string;
  readonly type: string;
  readonly dockerHost?: string | null;
  readonly tls?: { readonly ca: string; readonly cert: string; readonly key: string } | null;
}

interface EnvironmentRow {
  id: string;
  name: string;
  type: string;
  docker_host: string | null;
  tls_ca: string | null;
  tls_cert: string | null;
  tls_key: string | null;
  is_default: number | boolean;
  created_at: string;
}

const toEnvironment = (row: EnvironmentRow): Environment => ({
  id: row.id,
  name: row.name,
  type: row.type,
  dockerHost: row.docker_host,
  isDefault: Boolean(row.is_default),
  createdAt: row.created_at,
});

/** Name of the environment created on first start: the local Docker socket. */
export const DEFAULT_ENVIRONMENT_NAME = 'local';

/** Environments: where stacks run. */
export class EnvironmentService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async list(): Promise<Environment[]> {
    const rows = await this.#store<EnvironmentRow>('environments').orderBy([{ column: 'is_default', order: 'desc' }, 'name']);
    return rows.map(toEnvironment);
  }

  async find(id: string): Promise<Environment | null> {
    const row = await this.#store<EnvironmentRow>('environments').where({ id }).first();
    return row ? toEnvironment(row) : null;
  }

  async get(id: string): Promise<Environment> {
    const environment = await this.find(id);
    if (!environment) throw new NotFoundError(`Environment '${id}' not found.`, { code: 'ENVIRONMENT_NOT_FOUND' });
    return environment;
  }

  /** What a runtime needs to reach the environment, TLS material included. */
  async planEnvironment(id: string): Promise<PlanEnvironment> {
    const row = await this.#store<EnvironmentRow>('environments').where({ id }).first();
    if (!row) throw new NotFoundError(`Environment '${id}' not found.`, { code: 'ENVIRONMENT_NOT_FOUND' });
    const tls = row.tls_ca && row.tls_cert && row.tls_key ? { ca: row.tls_ca, cert: row.tls_cert, key: row.tls_key } : null;
    return { id: row.id, name: row.name, type: row.type, dockerHost: row.docker_host, tls };
  }

  async create(input: NewEnvironment, isDefault = false): Promise<Environment> {
    const name = input.name.trim();
    if (name === '' || name.length > 100) throw new InputError('Environment name must be 1 to 100 characters.');
    const existing = await this.#store('environments').where({ name }).first();
    if (existing) throw new ConflictError(`Environment '${name}' already exists.`);
    const row: EnvironmentRow = {
      id: randomUUID(),
      name,
      type: input.type,
      docker_host: input.dockerHost ?? null,
      tls_ca: input.tls?.ca ?? null,
      tls_cert: input.tls?.cert ?? null,
      tls_key: input.tls?.key ?? null,
      is_default: isDefault,
      created_at: new Date().toISOString(),
    };
    await this.#store('environments').insert(row);
    return toEnvironment(row);
  }

  /** Creates the `local` environment on first start; later starts leave the table alone. */
  async ensureDefault(): Promise<Environment> {
    const row = await this.#store<EnvironmentRow>('environments').where({ is_default: true }).first();
    if (row) return toEnvironment(row);
    try {
      return await this.create({ name: DEFAULT_ENVIRONMENT_NAME, type: 'docker', dockerHost: null }, true);
    } catch (err) {
      // Another host process sharing the database created it first.
      const again = await this.#store<EnvironmentRow>('environments').where({ is_default: true }).first();
      if (again) return toEnvironment(again);
      throw err;
    }
  }
}
