/**
 * A source would not read a file, for a reason that is safe to show as it is (it names no host
 * path): the file leads outside the source, is too large, or is not a regular file. The message
 * is a predicate on the file (`is larger than ...`). Any other read failure is shown by its code
 * only, because file-system messages carry the host's absolute paths.
 */
export class SourceFileRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceFileRefusal';
  }
}
