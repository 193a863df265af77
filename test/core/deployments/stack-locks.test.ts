import test from 'ava';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { StackLocks } from '../../../core/deployments/stack-locks.js';
import { createLogger } from '../../../core/logger.js';
import type { Store } from '../../../core/store/open-store.js';
import { databaseEngines } from '../../support/databases.js';
import { useTestStore } from '../../support/test-store.js';

const silent = createLogger({ level: 'silent' });
// Leases long enough that a slow machine renews them in time; waits are bounded by the tests.
const fast = { leaseMs: 5_000, pollMs: 20 };

/** Runs `hold` under the lock and reports when it held it. */
async function holdFor(locks: StackLocks, stack: string, ms: number, waitMs = 10_000): Promise<{ from: number; to: number }> {
  const lock = await locks.acquire('env-1', stack, waitMs);
  const from = performance.now();
  await sleep(ms);
  const to = performance.now();
  await lock.release();
  return { from, to };
}

const overlaps = (a: { from: number; to: number }, b: { from: number; to: number }) => a.from < b.to && b.from < a.to;

for (const engine of databaseEngines) {
  test(`two operations on one stack run one after the other (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const locks = new StackLocks(store, silent, fast);
    const [a, b] = await Promise.all([holdFor(locks, 'shop', 150), holdFor(locks, 'shop', 150)]);
    t.false(overlaps(a, b));
  });

  test(`operations on different stacks run at the same time (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const locks = new StackLocks(store, silent, fast);
    const shop = await locks.acquire('env-1', 'shop', 1000);
    // Taken while the other stack is held (shop is never released first, so a shared lock would
    // end in a 409 here); how fast is for the benchmark.
    const blog = await locks.acquire('env-1', 'blog', 30_000);
    await t.throwsAsync(locks.acquire('env-1', 'shop', 100), { name: 'ConflictError' }, 'the held stack itself is still locked');
    await blog.release();
    await shop.release();
  });

  test(`stack names lock case-insensitively (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const locks = new StackLocks(store, silent, fast);
    const [a, b] = await Promise.all([holdFor(locks, 'Shop', 150), holdFor(locks, 'shop', 150)]);
    t.false(overlaps(a, b));
  });

  test(`a waiter gives up after the bounded wait with a 409 naming the stack (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const locks = new StackLocks(store, silent, fast);
    const held = await locks.acquire('env-1', 'shop', 1000);
    const error = await t.throwsAsync(locks.acquire('env-1', 'shop', 200));
    t.is(error?.name, 'ConflictError');
    t.is((error as { status?: number }).status, 409);
    t.regex(error?.message ?? '', /^Another operation on stack 'shop' in environment 'env-1' is still running/);
    await held.release();
    // The queue moves on: the one who gave up does not block the next.
    const next = await locks.acquire('env-1', 'shop', 200);
    await next.release();
  });

  test(`a second host on the same database waits for the first (${engine})`, async (t) => {
    const { store, reopen } = await useTestStore(t, engine);
    const hostA = new StackLocks(store, silent, fast);
    const hostB = new StackLocks(await reopen(), silent, fast);
    const [a, b] = await Promise.all([holdFor(hostA, 'shop', 200), holdFor(hostB, 'shop', 200)]);
    t.false(overlaps(a, b));
  });

  test(`the lease of a host that died is taken over once it runs out (${engine})`, async (t) => {
    const { store } = await useTestStore(t, engine);
    const expiresAt = Date.now() + 1500;
    await deadHolder(store, 'shop', expiresAt);
    const locks = new StackLocks(store, silent, fast);
    const lock = await locks.acquire('env-1', 'shop', 5000);
    t.true(Date.now() >= expiresAt);
    await lock.release();
    t.is(await store('stack_leases').count({ n: '*' }).first().then((row) => Number(row?.['n'])), 0);
  });

  test(`a holder that keeps working keeps its lease beyond the lease time (${engine})`, async (t) => {
    const { store, reopen } = await useTestStore(t, engine);
    const hostA = new StackLocks(store, silent, { leaseMs: 1_500, pollMs: 20 });
    const hostB = new StackLocks(await reopen(), silent, { leaseMs: 1_500, pollMs: 20 });
    const lock = await hostA.acquire('env-1', 'shop', 1000);
    // Three lease times later the renewed lease still holds.
    await t.throwsAsync(hostB.acquire('env-1', 'shop', 4_500), { name: 'ConflictError' });
    await lock.release();
    await (await hostB.acquire('env-1', 'shop', 100)).release();
  });
}

test('host processes sharing a MySQL database hold a stack one at a time', async (t) => {
  const { database } = await useTestStore(t, 'mysql');
  const run = promisify(execFile);
  const hold = (ms: number) =>
    run(process.execPath, ['--import=tsx', 'test/fixtures/processes/hold-stack-lock.ts', JSON.stringify(database), 'shop', 'env-1', String(ms)]);
  const results = await Promise.all([hold(700), hold(700), hold(700)]);
  const spans = results.map(({ stdout }) => {
    const [from = 0, to = 0] = stdout.trim().split(' ').map(Number);
    return { from, to };
  });
  for (const [i, a] of spans.entries()) {
    for (const b of spans.slice(i + 1)) t.false(overlaps(a, b), JSON.stringify(spans));
  }
});

/** A lease row as a host that died would leave it. */
async function deadHolder(store: Store, stack: string, expiresAt: number): Promise<void> {
  await store('stack_leases').insert({ environment_id: 'env-1', stack_key: stack, holder: 'dead-host', expires_at: expiresAt });
}
