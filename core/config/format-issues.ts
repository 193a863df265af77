import type { z } from 'zod';

/** Turns schema issues into `path.to[0].key: message` lines, prefixed with `prefix`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((issue) => {
    let path = prefix;
    for (const key of issue.path) {
      path += typeof key === 'number' ? `[${key}]` : path ? `.${String(key)}` : String(key);
    }
    const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}` : issue.message;
    return `${path || '(root)'}: ${message}`;
  });
}
