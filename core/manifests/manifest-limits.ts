/** Bounds on what one catalog source may make the host parse. */
export interface ManifestLimits {
  /** Largest file in bytes (UTF-8). */
  readonly maxFileBytes: number;
  /** Deepest nesting of maps and lists in one file. */
  readonly maxDepth: number;
  /**
   * How many nodes expanding a file's aliases may add. Far above what shared settings
   * (`<<: *defaults`) need, far below what a "billion laughs" file expands to.
   */
  readonly maxAliasNodes: number;
  /** Longest chain of includes from a product file. */
  readonly maxIncludeDepth: number;
  /**
   * Includes one product may follow in total. Without it, files that each include the next
   * several times would multiply the work at every level while staying within the depth.
   */
  readonly maxIncludes: number;
}

/** 1 MiB per file, 64 levels, 10,000 nodes from aliases, includes 8 deep and 100 per product. */
export const DEFAULT_MANIFEST_LIMITS: ManifestLimits = {
  maxFileBytes: 1024 * 1024,
  maxDepth: 64,
  maxAliasNodes: 10_000,
  maxIncludeDepth: 8,
  maxIncludes: 100,
};
