// Writing rows of nested values (chat messages, verl's reward_model and extra_info structs) as one
// parquet file with hyparquet-writer (pure JS). The schema is spelled out, not inferred: the writer
// would store objects as JSON text, and verl's loaders read these columns as lists and structs.
import { parquetWriteFile } from 'hyparquet-writer';

// hyparquet-writer carries its own hyparquet: its schema type, not the reader's.
type SchemaElement = NonNullable<Parameters<typeof parquetWriteFile>[0]['schema']>[number];

/** A column's type: a leaf, a list of a type, or a struct of named types. Every level may be null. */
export type ColumnType = 'string' | 'double' | 'int64' | 'bool' | { list: ColumnType } | { struct: Readonly<Record<string, ColumnType>> };

export type TableSchema = Readonly<Record<string, ColumnType>>;

const LEAVES = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  double: { type: 'DOUBLE' },
  int64: { type: 'INT64' },
  bool: { type: 'BOOLEAN' },
} as const;

/** The flattened schema elements of one column, depth first (the parquet footer's order). */
function elements(name: string, t: ColumnType): SchemaElement[] {
  if (typeof t === 'string') return [{ name, repetition_type: 'OPTIONAL', ...LEAVES[t] }];
  if ('list' in t) {
    // The three-level LIST layout pyarrow writes and reads (group LIST > repeated list > element).
    return [
      { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      ...elements('element', t.list),
    ];
  }
  const fields = Object.entries(t.struct);
  return [{ name, repetition_type: 'OPTIONAL', num_children: fields.length }, ...fields.flatMap(([k, v]) => elements(k, v))];
}

/** int64 leaves take bigint values; everything else goes as it is. */
function encode(t: ColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (t === 'int64') return BigInt(v as number);
  if (typeof t === 'string') return v;
  if ('list' in t) return (v as unknown[]).map((x) => encode(t.list, x));
  const o = v as Record<string, unknown>;
  return Object.fromEntries(Object.entries(t.struct).map(([k, ft]) => [k, encode(ft, o[k])]));
}

/** Writes `rows` (objects with the schema's keys) to `file` in one row group per 1000 rows. */
export function writeParquetTable(file: string, schema: TableSchema, rows: readonly Record<string, unknown>[]): void {
  const columns = Object.entries(schema);
  parquetWriteFile({
    filename: file,
    schema: [{ name: 'root', num_children: columns.length }, ...columns.flatMap(([name, t]) => elements(name, t))],
    columnData: columns.map(([name, t]) => ({ name, data: rows.map((r) => encode(t, r[name])) })),
  });
}
