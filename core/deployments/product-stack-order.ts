import { dependencyOrder, findDependencyCycle } from '../manifests/dependency-order.js';
import type { StackManifest } from '../manifests/manifest-model.js';

/**
 * The order a product deploy takes its stacks in: each after the stacks it `dependsOn`,
 * otherwise as written. Stacks that depend on each other in a cycle (the sync warns about it)
 * keep the order written, as ReadyStackGo deploys them.
 */
export function productStackOrder<T extends Pick<StackManifest, 'name' | 'dependsOn'>>(stacks: readonly T[]): T[] {
  if (findDependencyCycle(stacks) !== null) return [...stacks];
  const byName = new Map(stacks.map((stack) => [stack.name, stack]));
  return dependencyOrder(stacks).flatMap((name) => byName.get(name) ?? []);
}
