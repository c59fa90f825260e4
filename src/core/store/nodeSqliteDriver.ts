// The node:sqlite driver (Node >= 22.13): used where no better-sqlite3 binary loads in this runtime
// (docs/packaging.md#sqlite-drivers). A thin adapter that gives DatabaseSync the shape the store
// expects from better-sqlite3: rows as plain objects with BLOBs as Buffers, pluck/raw, transactions
// with savepoints when nested, pragmas, and SQLite's error codes by name.
import { createRequire } from 'node:module';
import type * as NodeSqlite from './nodeSqliteTypes';
import type { Args, OpenDriverOptions, RunResult, SqliteDatabase, SqliteDriver, SqliteStatement, Transaction } from './driver';

type SqlInput = NodeSqlite.SQLInputValue;
type NodeSqliteModule = NodeSqlite.NodeSqliteModule;

/** SQLite's primary result codes, so databaseError can name them as better-sqlite3 does. */
const CODE_NAMES: Record<number, string> = {
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  8: 'SQLITE_READONLY',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  19: 'SQLITE_CONSTRAINT',
  26: 'SQLITE_NOTADB',
};

/** Rewrites node:sqlite's `ERR_SQLITE_ERROR` + numeric `errcode` into better-sqlite3's `SQLITE_*` code. */
function withSqliteCode(e: unknown): unknown {
  if (e && typeof e === 'object' && 'errcode' in e && typeof e.errcode === 'number') {
    const name = CODE_NAMES[e.errcode & 0xff];
    if (name) Object.defineProperty(e, 'code', { value: name, configurable: true, writable: true });
  }
  return e;
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw withSqliteCode(e);
  }
}

/** node:sqlite returns null-prototype rows and Uint8Array BLOBs; the store expects plain rows and Buffers. */
function plainValue(v: unknown): unknown {
  return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
}

function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in row) out[k] = plainValue(row[k]);
  return out;
}

class NodeStatement implements SqliteStatement {
  private mode: 'object' | 'pluck' | 'raw' = 'object';

  constructor(private readonly stmt: NodeSqlite.StatementSync) {}

  pluck(toggle = true): this {
    return this.setMode(toggle ? 'pluck' : 'object');
  }

  raw(toggle = true): this {
    return this.setMode(toggle ? 'raw' : 'object');
  }

  /** Whether rows come back as arrays (setReturnArrays, Node >= 22.16) or as objects to unpack here. */
  private arrays = false;

  private setMode(mode: 'object' | 'pluck' | 'raw'): this {
    this.mode = mode;
    // Node 22.13–22.15 lack setReturnArrays: rows stay objects and pluck/raw take their values in
    // column order, which is only ambiguous for duplicate column names (the store has none).
    if (typeof this.stmt.setReturnArrays === 'function') {
      this.stmt.setReturnArrays(mode !== 'object');
      this.arrays = mode !== 'object';
    }
    return this;
  }

  private shape(row: unknown): unknown {
    if (row === undefined) return undefined;
    if (this.mode === 'object') return plainRow(row as Record<string, unknown>);
    const values = this.arrays ? (row as unknown[]) : Object.values(row as Record<string, unknown>);
    return this.mode === 'pluck' ? plainValue(values[0]) : values.map(plainValue);
  }

  run(...params: unknown[]): RunResult {
    const r = guarded(() => this.stmt.run(...(params as SqlInput[])));
    return { changes: Number(r.changes), lastInsertRowid: r.lastInsertRowid };
  }

  get(...params: unknown[]): unknown {
    return this.shape(guarded(() => this.stmt.get(...(params as SqlInput[]))));
  }

  all(...params: unknown[]): unknown[] {
    return guarded(() => this.stmt.all(...(params as SqlInput[]))).map((r) => this.shape(r));
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    const it = guarded(() => this.stmt.iterate(...(params as SqlInput[])));
    for (;;) {
      const next = guarded(() => it.next());
      if (next.done) return;
      yield this.shape(next.value);
    }
  }
}

class NodeDatabase implements SqliteDatabase {
  private depth = 0;
  private savepoints = 0;

  constructor(private readonly db: NodeSqlite.DatabaseSync) {}

  get open(): boolean {
    return this.db.isOpen;
  }

  prepare(sql: string): SqliteStatement {
    return new NodeStatement(guarded(() => this.db.prepare(sql)));
  }

  exec(sql: string): this {
    guarded(() => this.db.exec(sql));
    return this;
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const rows = this.prepare(`PRAGMA ${source}`).all() as Record<string, unknown>[];
    if (!options.simple) return rows;
    const first = rows[0];
    return first === undefined ? undefined : Object.values(first)[0];
  }

  function(name: string, fn: (...args: never[]) => unknown): this {
    this.db.function(name, { deterministic: true }, fn as unknown as (...args: NodeSqlite.SQLOutputValue[]) => SqlInput);
    return this;
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F> {
    const wrap =
      (begin: string) =>
      (...args: Args<F>): ReturnType<F> => {
        if (this.depth > 0) return this.nested(fn, args);
        this.exec(begin);
        this.depth++;
        try {
          const result = (fn as (...a: Args<F>) => ReturnType<F>)(...args);
          this.exec('COMMIT');
          return result;
        } catch (e) {
          if (this.db.isTransaction) this.exec('ROLLBACK');
          throw e;
        } finally {
          this.depth--;
        }
      };
    return Object.assign(wrap('BEGIN'), { immediate: wrap('BEGIN IMMEDIATE') });
  }

  /** Inside a transaction, a nested one is a savepoint, as in better-sqlite3. */
  private nested<F extends (...args: never[]) => unknown>(fn: F, args: Args<F>): ReturnType<F> {
    const name = `rl_sp_${++this.savepoints}`;
    this.exec(`SAVEPOINT ${name}`);
    this.depth++;
    try {
      const result = (fn as (...a: Args<F>) => ReturnType<F>)(...args);
      this.exec(`RELEASE ${name}`);
      return result;
    } catch (e) {
      this.exec(`ROLLBACK TO ${name}`);
      this.exec(`RELEASE ${name}`);
      throw e;
    } finally {
      this.depth--;
    }
  }

  close(): this {
    this.db.close();
    return this;
  }
}

/** Loads node:sqlite, or returns why not (Node < 22.13, or a runtime built without it). */
export function loadNodeSqlite(): SqliteDriver | string {
  let mod: NodeSqliteModule;
  try {
    mod = silenceExperimentalWarning(() => createRequire(__filename)('node:sqlite') as NodeSqliteModule);
  } catch (e) {
    return `node:sqlite is not available in Node ${process.versions.node} (${e instanceof Error ? e.message : String(e)})`;
  }
  const version = new mod.DatabaseSync(':memory:');
  const sqliteVersion = String((version.prepare('SELECT sqlite_version() AS v').get() as { v: unknown }).v);
  version.close();
  return {
    name: 'node:sqlite',
    describe: `node:sqlite (SQLite ${sqliteVersion})`,
    open(file: string, opts: OpenDriverOptions): SqliteDatabase {
      const db = guarded(() => new mod.DatabaseSync(file, { readOnly: opts.readonly, timeout: opts.busyTimeoutMs }));
      return new NodeDatabase(db);
    },
  };
}

/**
 * node:sqlite prints "ExperimentalWarning: SQLite is an experimental feature" on first load. It is
 * expected here and says nothing the user can act on, so exactly that one warning is swallowed.
 */
function silenceExperimentalWarning<T>(load: () => T): T {
  const original = process.emitWarning;
  process.emitWarning = function (this: typeof process, warning: string | Error, ...rest: unknown[]): void {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && /SQLite/.test(text)) return;
    (original as (this: typeof process, ...a: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = original;
  }
}
