import { CatalogGeneration } from '../catalog/catalog-generation.js';
import type { SharedCatalog } from '../catalog/catalog-service.js';
import type { Store } from '../store/open-store.js';
import type { StackLocks } from './stack-locks.js';

/** Environment ids are UUIDs: the catalog's sync lease can never be taken for a stack's. */
const CATALOG_LOCK_ENVIRONMENT = '(catalog)';

/**
 * How the catalogs of hosts sharing `store` keep in step: the generation row, and a turn to
 * sync that is a stack lease under a name no stack has, so a host that dies mid-sync frees it
 * as it frees a stack. A turn not had within `waitMs` lets the sync run beside the other.
 */
export function sharedCatalog(store: Store, locks: StackLocks, waitMs: number): SharedCatalog {
  return {
    generation: new CatalogGeneration(store),
    takeTurn: () => locks.acquire(CATALOG_LOCK_ENVIRONMENT, 'sync', waitMs, 'the catalog'),
  };
}
