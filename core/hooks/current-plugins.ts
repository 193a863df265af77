import { AsyncScope } from '../async-scope.js';
import type { HostHooks } from './host-hooks.js';
import type { RuntimeLookup } from './runtime-registry.js';

/** One set of plugins as the core calls it: the hooks they tapped and the runtimes they registered. */
export interface PluginGeneration {
  readonly hooks: HostHooks;
  readonly runtimes: RuntimeLookup;
  /** Lets the set's background taps finish, then runs its plugins' teardown. */
  close(): Promise<void>;
}

/** Runs `work` on the plugin set in use when it starts, to its end. */
export type OnOnePluginSet = <T>(work: () => Promise<T>) => Promise<T>;

/** A set while it is in use: by how much work, and whether a newer set replaced it. */
interface Tenure<G> {
  readonly generation: G;
  users: number;
  retired: boolean;
  closed: Promise<void> | null;
}

const tenure = <G>(generation: G): Tenure<G> => ({ generation, users: 0, retired: false, closed: null });

/**
 * The plugin set in use, which a reload replaces while the host runs. Work that must stay on one
 * set from start to end (an operation, a catalog sync) runs in {@link use}: it keeps the set it
 * started on, and a replaced set is closed once the last such work on it has finished. The rest
 * (a request's authentication, an environment's settings) reads {@link hooks} and
 * {@link runtimes}: the set pinned by `use` inside it, the current one elsewhere.
 */
export class CurrentPlugins<G extends PluginGeneration> {
  #current: Tenure<G> | null = null;
  readonly #pinned = new AsyncScope<Tenure<G>>();
  readonly #closing = new Set<Promise<void>>();
  readonly hooks: HostHooks;
  readonly runtimes: RuntimeLookup;

  constructor() {
    const inUse = () => this.generation;
    this.hooks = Object.freeze({
      get authenticate() {
        return inUse().hooks.authenticate;
      },
      get beforeDeploy() {
        return inUse().hooks.beforeDeploy;
      },
      get deploy() {
        return inUse().hooks.deploy;
      },
      get afterDeploy() {
        return inUse().hooks.afterDeploy;
      },
      get catalogSource() {
        return inUse().hooks.catalogSource;
      },
      get afterCatalogSync() {
        return inUse().hooks.afterCatalogSync;
      },
    });
    this.runtimes = Object.freeze({ types: () => inUse().runtimes.types(), serving: (type: string) => inUse().runtimes.serving(type) });
  }

  /** The set the calling work runs on: the one `use` pinned for it, else the current one. */
  get generation(): G {
    return this.#held().generation;
  }

  /** Runs `work` on the set in use now; that set stays open until `work` has settled. */
  readonly use: OnOnePluginSet = async (work) => {
    const held = this.#held();
    held.users += 1;
    try {
      return await this.#pinned.run(held, work);
    } finally {
      held.users -= 1;
      this.#closeWhenIdle(held);
    }
  };

  /** Makes `next` the set in use; the one it replaces (returned) closes once nothing runs on it. */
  replace(next: G): G | null {
    const replaced = this.#current;
    this.#current = tenure(next);
    if (replaced) this.#retire(replaced);
    return replaced?.generation ?? null;
  }

  /**
   * Closes the current set and waits for the replaced sets that are closing. For a stopping
   * host, once its operations and syncs have ended (a set still in use would close later).
   */
  async close(): Promise<void> {
    if (this.#current) this.#retire(this.#current);
    while (this.#closing.size > 0) await Promise.all([...this.#closing]);
  }

  #held(): Tenure<G> {
    const held = this.#pinned.current() ?? this.#current;
    if (!held) throw new Error('no plugin set is loaded yet');
    return held;
  }

  #retire(held: Tenure<G>): void {
    held.retired = true;
    this.#closeWhenIdle(held);
  }

  #closeWhenIdle(held: Tenure<G>): void {
    if (!held.retired || held.users > 0 || held.closed !== null) return;
    const closed = held.generation.close();
    held.closed = closed;
    this.#closing.add(closed);
    const forget = () => void this.#closing.delete(closed);
    closed.then(forget, forget);
  }
}
