import { HostError, type ErrorBodyFields } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeployContext } from './deploy-plan.js';

/** What a secret value becomes wherever the host writes or answers. */
export const REDACTED = '********';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/**
 * Hides a set of secret values (an operation's `Password` variables) in text, log fields and
 * errors. Runtimes relay what they saw (a container's last log lines, the engine's error text),
 * and a container that prints its environment would otherwise hand its secrets to whoever
 * reads the failure.
 */
export class SecretRedactor {
  static readonly none = new SecretRedactor([]);
  readonly #pattern: RegExp | null;

  constructor(values: Iterable<string>) {
    // Longest first: a value that contains another is hidden whole.
    const distinct = [...new Set(values)].filter((value) => value.length > 0).sort((a, b) => b.length - a.length);
    this.#pattern = distinct.length === 0 ? null : new RegExp(distinct.map(escapeRegExp).join('|'), 'g');
  }

  text(text: string): string {
    return this.#pattern === null ? text : text.replace(this.#pattern, REDACTED);
  }

  /** `value` with every string in it redacted (plain objects and arrays are walked; errors become fields). */
  value(value: unknown): unknown {
    if (this.#pattern === null) return value;
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value instanceof Error) return { name: value.name, message: this.text(value.message), ...(value.stack ? { stack: this.text(value.stack) } : {}) };
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([name, field]) => [name, this.value(field)]));
  }

  /**
   * Redacts the message, stack and answer fields (a runtime's `logs`) of `err` and of every
   * cause behind it, in place: whoever reads the error later (the answer, the history, the log,
   * a plugin's failure count) sees it hidden.
   */
  error<E>(err: E): E {
    if (this.#pattern === null) return err;
    const seen = new Set<unknown>();
    for (let at: unknown = err; at instanceof Error && !seen.has(at); at = at.cause) {
      seen.add(at);
      at.message = this.text(at.message);
      if (at.stack !== undefined) at.stack = this.text(at.stack);
      if (at instanceof HostError) (at as { fields: ErrorBodyFields }).fields = this.value(at.fields) as ErrorBodyFields;
    }
    return err;
  }

  /** `log` with every line's fields and message redacted. */
  logger(log: Logger): Logger {
    if (this.#pattern === null) return log;
    const line = (write: (obj: object, msg?: string) => void) => (obj: object, msg?: string) =>
      write(this.value(obj) as object, msg === undefined ? undefined : this.text(msg));
    return {
      debug: line((obj, msg) => log.debug(obj, msg)),
      info: line((obj, msg) => log.info(obj, msg)),
      warn: line((obj, msg) => log.warn(obj, msg)),
      error: line((obj, msg) => log.error(obj, msg)),
      child: (bindings) => this.logger(log.child(this.value(bindings) as Record<string, unknown>)),
    };
  }
}

/** The redactor of each operation's context, for the hooks that see the context but not the operation. */
const contextRedactors = new WeakMap<DeployContext, SecretRedactor>();

/** Makes `redactor` the one {@link redactorOf} finds for `context`; returns the context. */
export function withRedactor(context: DeployContext, redactor: SecretRedactor): DeployContext {
  contextRedactors.set(context, redactor);
  return context;
}

/** The redactor registered for `context`; one that hides nothing when none was. */
export function redactorOf(context: DeployContext): SecretRedactor {
  return contextRedactors.get(context) ?? SecretRedactor.none;
}
