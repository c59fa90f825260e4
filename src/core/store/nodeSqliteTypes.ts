// The part of node:sqlite (Node >= 22.13) that the driver uses. Declared here because the project
// compiles against @types/node 20, the oldest runtime it supports, which has no node:sqlite.
// Shapes follow Node's documentation of DatabaseSync and StatementSync.

export type SQLInputValue = null | number | bigint | string | Uint8Array;
export type SQLOutputValue = null | number | bigint | string | Uint8Array;

export interface StatementSync {
  run(...params: SQLInputValue[] | [Record<string, SQLInputValue>, ...SQLInputValue[]]): {
    changes: number | bigint;
    lastInsertRowid: number | bigint;
  };
  get(...params: unknown[]): Record<string, SQLOutputValue> | SQLOutputValue[] | undefined;
  all(...params: unknown[]): (Record<string, SQLOutputValue> | SQLOutputValue[])[];
  iterate(...params: unknown[]): Iterator<Record<string, SQLOutputValue> | SQLOutputValue[]>;
  /** Node >= 22.16 only. */
  setReturnArrays?(enabled: boolean): void;
}

export interface DatabaseSync {
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  function(name: string, options: { deterministic?: boolean }, fn: (...args: SQLOutputValue[]) => SQLInputValue): void;
  close(): void;
}

export interface NodeSqliteModule {
  DatabaseSync: {
    new (location: string, options?: { readOnly?: boolean; timeout?: number; open?: boolean }): DatabaseSync;
  };
  StatementSync: { prototype: Partial<StatementSync> };
}
