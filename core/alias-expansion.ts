/**
 * How many nodes a parsed YAML value's aliases add when written out. js-yaml builds an alias
 * as a shared reference, so a "billion laughs" file parses small, but whatever walks the value
 * later walks every path. Each object reached again (an alias) adds its full size, nested
 * aliases included; the walk visits each object once, so it is linear in the parsed value, and
 * it stops once the count passes `max`. A scalar counts 1, a list 1 plus its items, a map 1 plus
 * a key and the value of each entry.
 */
export function aliasExpansion(value: unknown, max: number): number {
  const sizes = new Map<object, number>();
  let added = 0;
  const sizeOf = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 1;
    const known = sizes.get(node);
    if (known !== undefined) {
      added += known;
      return known;
    }
    let size = 1;
    const children: Iterable<unknown> = Array.isArray(node) ? node : node instanceof Map ? node.values() : Object.values(node);
    const keyed = !Array.isArray(node);
    for (const child of children) {
      size += sizeOf(child) + (keyed ? 1 : 0);
      if (added > max) break;
    }
    sizes.set(node, size);
    return size;
  };
  sizeOf(value);
  return added;
}
