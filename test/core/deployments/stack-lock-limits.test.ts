import test from 'ava';
import { StackLocks } from '../../../core/deployments/stack-locks.js';
import { ConflictError } from '../../../core/errors.js';
import { createLogger } from '../../../core/logger.js';
import { databaseEngines } from '../../support/databases.js';
import { useTestStore } from '../../support/test-store.js';

const silent = createLogger({ level: 'silent' });
const fast = { leaseMs: 5_000, pollMs: 20 };

for (const engine of databaseEngines) {
  test(`a lock whose name is longer than the lease column is still held across hosts (${engine})`, async (t) => {
    const { store, reopen } = await useTestStore(t, engine);
    // `product:<groupId>` of a product with a long reverse-domain id: 8 + 150 characters.
    const name = `product:com.example.${'very-long-product-id-'.repeat(6)}${'x'.repeat(4)}`;
    t.true(name.length > 100);
    const hostA = new StackLocks(store, silent, fast);
    const hostB = new StackLocks(await reopen(), silent, fast);

    const held = await hostA.acquire('env-1', name, 2_000);
    await t.throwsAsync(hostB.acquire('env-1', name, 300), { instanceOf: ConflictError });
    // A name that shares the first 100 characters is another lock.
    await (await hostB.acquire('env-1', `${name}-other`, 300)).release();
    await held.release();
    await (await hostB.acquire('env-1', name, 2_000)).release();
  });
}

test('operations waiting for one stack are bounded: one more gets a 409 with Retry-After at once', async (t) => {
  const { store } = await useTestStore(t, 'sqlite');
  const locks = new StackLocks(store, silent, { ...fast, maxWaiters: 2 });
  const held = await locks.acquire('env-1', 'shop', 10_000);
  const waiters = [locks.acquire('env-1', 'shop', 60_000), locks.acquire('env-1', 'shop', 60_000)];

  const refused = await t.throwsAsync(locks.acquire('env-1', 'Shop', 60_000), { instanceOf: ConflictError });
  t.is(refused?.code, 'STACK_BUSY');
  t.is(refused?.headers['Retry-After'], '60');
  t.is(refused?.message, "2 operations on stack 'Shop' in environment 'env-1' already wait for it; try again later.");
  // Another stack is not affected.
  await (await locks.acquire('env-1', 'blog', 1_000)).release();

  await held.release();
  for (const waiter of waiters) await (await waiter).release();
  // Once the line is empty, the stack takes operations again.
  await (await locks.acquire('env-1', 'shop', 1_000)).release();
});
