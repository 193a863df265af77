import type { Knex } from 'knex';
import { environments } from './migrations/001-environments.js';
import { auth } from './migrations/002-auth.js';
import { deployments } from './migrations/003-deployments.js';
import { environmentSettings } from './migrations/004-environment-settings.js';
import { sessions } from './migrations/005-sessions.js';
import { operations } from './migrations/006-operations.js';
import { intent } from './migrations/007-intent.js';
import { eventDeliveries } from './migrations/008-event-deliveries.js';
import { catalogGeneration } from './migrations/009-catalog-generation.js';
import { historyOperation } from './migrations/010-history-operation.js';
import { operationIndexes } from './migrations/011-operation-indexes.js';

/** A schema step; `name` orders it and is recorded once it ran. */
export interface Migration {
  readonly name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/** Every migration in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [environments, auth, deployments, environmentSettings, sessions, operations, intent, eventDeliveries, catalogGeneration, historyOperation, operationIndexes];

/** Feeds knex `list` instead of scanning a folder (works the same from `dist/`). */
export function migrationSourceOf(list: readonly Migration[]): Knex.MigrationSource<Migration> {
  return {
    getMigrations: () => Promise.resolve([...list]),
    getMigrationName: (migration) => migration.name,
    getMigration: (migration) => Promise.resolve(migration),
  };
}

/** Every migration, as the store runs them at start. */
export const migrationSource = migrationSourceOf(migrations);
