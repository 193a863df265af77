import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * An AsyncLocalStorage that is switched off while no work runs in it. On Node 20 an enabled
 * one makes every promise of the process pay a hook, so the requests between two runs would
 * pay for a store none of them reads; the next `run` switches it on again.
 */
export class AsyncScope<T> {
  readonly #storage = new AsyncLocalStorage<T>();
  /** Work running in the scope, nested runs counted each. */
  #running = 0;

  /** Runs `work` with `store` as what {@link current} gives inside it. */
  async run<R>(store: T, work: () => Promise<R>): Promise<R> {
    this.#running += 1;
    try {
      return await this.#storage.run(store, work);
    } finally {
      this.#running -= 1;
      if (this.#running === 0) this.#storage.disable();
    }
  }

  /** The store of the innermost run around the caller; undefined outside every run. */
  current(): T | undefined {
    return this.#storage.getStore();
  }
}
