/** Where a manifest problem sits inside a file: map keys and list indexes. */
export type ManifestPath = readonly (string | number)[];

/** One problem in a manifest: the file, the path inside it, and what is wrong. */
export interface ManifestIssue {
  /** Relative to the source root. */
  readonly file: string;
  /** Formatted, e.g. `stacks.api.services.web.ports[0]`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** Keys that read unambiguously after a dot; others are quoted (`labels["a.b"]`). */
const plainKey = /^[A-Za-z0-9_-]+$/;

/** Renders `['stacks', 'api', 'ports', 0]` as `stacks.api.ports[0]`. */
export function formatManifestPath(path: ManifestPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (plainKey.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * One line for an issue. The file is named only when it differs from `mainFile`, so a
 * product's own problems read `path: message` and problems in its includes name the include.
 */
export function formatManifestIssue(issue: ManifestIssue, mainFile?: string): string {
  const where = issue.path === '' ? '' : `${issue.path}: `;
  const file = issue.file === mainFile ? '' : `${issue.file}: `;
  return `${file}${where}${issue.message}`;
}

/** A manifest that cannot be loaded; carries every problem found, not just the first. */
export class ManifestError extends Error {
  readonly file: string;
  readonly issues: readonly ManifestIssue[];

  constructor(file: string, issues: readonly ManifestIssue[]) {
    super(issues.map((issue) => formatManifestIssue(issue, file)).join('; ') || `${file}: invalid manifest`);
    this.name = 'ManifestError';
    this.file = file;
    this.issues = issues;
  }
}
