/** Start order of services from their `dependsOn` lists. */

/** A node of the dependency graph: a service name and the names it waits for. */
export interface DependencyNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/**
 * The first dependency cycle found, as a closed path (`['a', 'b', 'a']`), or null. Nodes are
 * visited in the given order so the reported cycle is stable; unknown names are ignored.
 */
export function findDependencyCycle(nodes: readonly DependencyNode[]): string[] | null {
  const edges = new Map(nodes.map((node) => [node.name, node.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];

  const visit = (name: string): string[] | null => {
    const seen = state.get(name);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...trail.slice(trail.indexOf(name)), name];
    state.set(name, 'visiting');
    trail.push(name);
    for (const next of edges.get(name) ?? []) {
      if (!edges.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(name, 'done');
    return null;
  };

  for (const node of nodes) {
    const cycle = visit(node.name);
    if (cycle) return cycle;
  }
  return null;
}

/**
 * Names in start order: every service after the ones it depends on, otherwise in the given
 * order. Unknown names in `dependsOn` are ignored (the manifest check reports them).
 * @throws Error naming the cycle if there is one.
 */
export function dependencyOrder(nodes: readonly DependencyNode[]): string[] {
  const cycle = findDependencyCycle(nodes);
  if (cycle) throw new Error(`dependency cycle: ${cycle.join(' -> ')}`);
  const edges = new Map(nodes.map((node) => [node.name, node.dependsOn]));
  const ordered: string[] = [];
  const placed = new Set<string>();
  const place = (name: string): void => {
    if (placed.has(name)) return;
    placed.add(name);
    for (const dep of edges.get(name) ?? []) if (edges.has(dep)) place(dep);
    ordered.push(name);
  };
  for (const node of nodes) place(node.name);
  return ordered;
}
