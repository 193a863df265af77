/** The part of better-sqlite3 12's API the benchmarks use directly (the package ships no types). */
declare module 'better-sqlite3' {
  interface Statement {
    get(...bindings: unknown[]): unknown;
    run(...bindings: unknown[]): { readonly changes: number };
  }

  class Database {
    constructor(filename: string);
    pragma(source: string): unknown;
    exec(source: string): this;
    prepare(source: string): Statement;
    /** Wraps `fn` so that each call runs in one transaction. */
    transaction<Args extends unknown[]>(fn: (...args: Args) => void): (...args: Args) => void;
    close(): void;
  }

  export default Database;
}
