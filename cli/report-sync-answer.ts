import type { CommandInput } from './command-input.js';
import { HostAnswerError, type HostAnswer } from './host-client.js';

interface SourceProblem {
  readonly source?: unknown;
  readonly file?: unknown;
  readonly message?: unknown;
}

const problemsIn = (value: unknown): SourceProblem[] => (Array.isArray(value) ? (value as SourceProblem[]) : []);

/**
 * Reports a catalog sync answer (`/api/hooks/sync-sources` or `/api/catalog/sync`): skipped
 * manifests and failed sources on stderr, one per line, then the message; a failed sync is
 * thrown as a {@link HostAnswerError} after its sources were listed.
 */
export function reportSyncAnswer(input: CommandInput, answer: HostAnswer): void {
  const { body } = answer;
  for (const warning of problemsIn(body['warnings'])) {
    input.note(`warning: ${String(warning.source)}: ${String(warning.file)}: ${String(warning.message)}`);
  }
  for (const error of problemsIn(body['errors'])) input.note(`error: ${String(error.source)}: ${String(error.message)}`);
  if (answer.status < 200 || answer.status >= 300) throw new HostAnswerError(answer);
  if (input.json) return input.printJson(body);
  input.out(typeof body['message'] === 'string' ? body['message'] : 'Catalog synchronised.');
}
