/**
 * Item 6: how fast stack locks change hands and how little one stack's lock holds up another
 * (the lock tests check only the order of holders; the speed is measured here), on SQLite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../core/config/load-config.js';
import { StackLocks } from '../core/deployments/stack-locks.js';
import { createLogger } from '../core/logger.js';
import { openStore } from '../core/store/open-store.js';
import type { Figure } from './figure.js';
import { median } from './median.js';

export interface LockBenchResult {
  readonly rounds: number;
  /** From one holder's release to the next waiter holding the lock. */
  readonly handOverMs: number;
  /** Taking a free stack's lock while another stack's lock is held. */
  readonly otherStackMs: number;
  readonly figures: readonly Figure[];
}

export async function lockBench(rounds: number, log: (line: string) => void): Promise<LockBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-bench-locks-'));
  const { database } = validateConfig({ database: { client: 'sqlite', filename: join(dir, 'rsgo.sqlite') } });
  const store = await openStore(database, dir, dir);
  try {
    const locks = new StackLocks(store, createLogger({ level: 'silent' }));
    const handOver: number[] = [];
    const otherStack: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const first = await locks.acquire('env-1', 'shop', 10_000);
      const next = locks.acquire('env-1', 'shop', 10_000).then((lock) => ({ lock, at: performance.now() }));
      const started = performance.now();
      const other = await locks.acquire('env-1', 'blog', 10_000);
      otherStack.push(performance.now() - started);
      await other.release();
      const released = performance.now();
      await first.release();
      const taken = await next;
      handOver.push(taken.at - released);
      await taken.lock.release();
    }
    const result = { rounds, handOverMs: median(handOver), otherStackMs: median(otherStack) };
    log(`locks: hand-over ${result.handOverMs.toFixed(1)} ms, another stack ${result.otherStackMs.toFixed(1)} ms`);
    const figures: Figure[] = [
      { item: 6, name: 'Stack lock hand-over to a waiting operation (SQLite)', value: result.handOverMs, unit: 'ms' },
      { item: 6, name: "Another stack's lock while one is held (SQLite)", value: result.otherStackMs, unit: 'ms' },
    ];
    return { ...result, figures };
  } finally {
    await store.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
