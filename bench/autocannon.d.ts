/** The part of autocannon 9's API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      readonly url: string;
      readonly method?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
      readonly connections?: number;
      /** Seconds. */
      readonly duration?: number;
      /** Seconds before a request counts as timed out. */
      readonly timeout?: number;
    }

    interface Result {
      readonly errors: number;
      readonly timeouts: number;
      /** Seconds the run lasted. */
      readonly duration: number;
    }

    interface Instance extends EventEmitter {
      /** Every answer, with its latency in milliseconds (fractional). */
      on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): this;
    }
  }

  function autocannon(options: autocannon.Options, done: (err: Error | null, result: autocannon.Result) => void): autocannon.Instance;
  export default autocannon;
}
