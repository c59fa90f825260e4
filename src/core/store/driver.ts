// The SQLite driver interface: the one surface of SQLite that the store uses. Two drivers implement
// it (docs/packaging.md#sqlite-drivers): better-sqlite3, whose Database satisfies it as is, and
// Node's built-in node:sqlite behind a thin adapter (nodeSqliteDriver.ts). Nothing above
// src/core/store knows which one it has.

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/**
 * A prepared statement. Parameters are positional (`?`) or one object for `@name` parameters.
 * `pluck()` returns the first column's value instead of a row object and `raw()` returns each row as
 * an array; like better-sqlite3, both switch the statement for every later call.
 */
export interface SqliteStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  pluck(toggle?: boolean): this;
  raw(toggle?: boolean): this;
}

export type Args<F> = F extends (...args: infer A) => unknown ? A : never;

/** A function wrapped in BEGIN … COMMIT (a SAVEPOINT when nested); it rolls back if it throws. */
export interface Transaction<F extends (...args: never[]) => unknown> {
  (...args: Args<F>): ReturnType<F>;
  /** BEGIN IMMEDIATE: takes the write lock up front, so a writer never fails halfway on BUSY. */
  immediate(...args: Args<F>): ReturnType<F>;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  /** `pragma('user_version', { simple: true })` returns one value; without `simple`, the rows. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
  /** A deterministic scalar SQL function implemented in JS. */
  function(name: string, fn: (...args: never[]) => unknown): unknown;
  close(): unknown;
  readonly open: boolean;
}

export type DriverName = 'better-sqlite3' | 'node:sqlite';

export interface OpenDriverOptions {
  readonly: boolean;
  /** How long a statement waits for another connection's lock (ms). */
  busyTimeoutMs: number;
}

/** A loaded driver: how to open a database with it, and what to tell the user it is. */
export interface SqliteDriver {
  name: DriverName;
  /** E.g. "better-sqlite3 12.11.1 (prebuild node-127)" or "node:sqlite (SQLite 3.50.4)". */
  describe: string;
  open(file: string, opts: OpenDriverOptions): SqliteDatabase;
}
