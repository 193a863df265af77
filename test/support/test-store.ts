import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { validateConfig } from '../../core/config/load-config.js';
import { openStore, type Store } from '../../core/store/open-store.js';
import { databaseConfig, type DatabaseEngine } from './databases.js';

/** A migrated store of `engine` for one test, and a way to open more connections to the same database. */
export interface TestStore {
  readonly store: Store;
  /** Another store on the same database, as a second host process would have it. */
  reopen(): Promise<Store>;
  /** The `database:` config section, for a host process started on the same database. */
  readonly database: Record<string, unknown>;
}

/** Opens a fresh database of `engine` (SQLite in a temp folder), closed when the test ends. */
export async function useTestStore(t: ExecutionContext, engine: DatabaseEngine): Promise<TestStore> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-store-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const given = await databaseConfig(t, engine);
  const database = engine === 'sqlite' ? { ...given, filename: join(dir, 'rsgo.sqlite') } : given;
  const { database: parsed } = validateConfig({ database });
  const open = async () => {
    const store = await openStore(parsed, dir, dir);
    t.teardown(() => store.destroy());
    return store;
  };
  return { store: await open(), reopen: open, database };
}
