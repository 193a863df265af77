/**
 * What js-yaml 4.3 offers beyond its published types (which describe 4.0): the depth and merge
 * limits of `load`, and the built-in types a schema is made of. A module, imported where
 * js-yaml is, so that every program compiling that code sees these declarations.
 */
import type { Type } from 'js-yaml';

declare module 'js-yaml' {
  interface LoadOptions {
    /** Deepest nesting of nodes; deeper input fails with "nesting exceeded maxDepth". */
    maxDepth?: number;
    /** Keys that merges (`<<`) may copy in one load; -1 for no limit. */
    maxTotalMergeKeys?: number;
  }
  const types: {
    readonly null: Type;
    readonly bool: Type;
    readonly merge: Type;
  };
}
