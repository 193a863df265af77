import { HostError, type ErrorBodyFields } from '../errors.js';

/** What a host error carries besides status, code and message. */
interface Carried {
  readonly fields?: ErrorBodyFields;
  readonly headers?: Readonly<Record<string, string>>;
  readonly expose?: boolean;
}

/** A plugin's deliberate error, known by its contract (status and code), not by its class. */
class RecognisedError extends HostError {
  readonly status: number;
  constructor(thrown: Error, status: number, code: string, carried: Carried) {
    super(thrown.message, code, { cause: thrown, ...carried });
    this.name = thrown.name;
    this.status = status;
  }
}

const isObject = (value: unknown): boolean => value !== null && typeof value === 'object';

/**
 * `thrown` as a host error if it is one by contract: an Error with an HTTP `status` (400-599)
 * and a non-empty string `code`, as every error class of `rsgo/plugin` has. A plugin that
 * bundled another copy of the API, or wrote its own class, is understood the same way: a veto
 * stays a veto. Anything else is null: a defect of the plugin.
 */
export function recogniseHostError(thrown: unknown): HostError | null {
  if (thrown instanceof HostError) return thrown;
  if (!(thrown instanceof Error)) return null;
  const { status, code, fields, headers, expose } = thrown as Error & Record<'status' | 'code' | 'fields' | 'headers' | 'expose', unknown>;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) return null;
  if (typeof code !== 'string' || code === '') return null;
  const carried: Carried = {
    ...(isObject(fields) ? { fields: fields as ErrorBodyFields } : {}),
    ...(isObject(headers) ? { headers: headers as Record<string, string> } : {}),
    ...(typeof expose === 'boolean' ? { expose } : {}),
  };
  return new RecognisedError(thrown, status, code, carried);
}
