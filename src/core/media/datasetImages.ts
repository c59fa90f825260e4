// Images that live in a training dataset rather than in the rollouts: a row of a parquet file (a
// Hugging Face `Image` feature is a struct {bytes, path}, a list of them in verl's geo3k data) or of
// a JSON / JSONL file whose cell is a path. Only the asked row and column are read from a parquet
// file, so a multi-gigabyte dataset is never loaded whole (docs/native-format.md#images-and-boxes).
import * as fs from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { errorMessage } from '../../shared/errors';
import type { ImageRef } from '../../shared/media';
import { dataUriBytes } from './imageInfo';

type DatasetRef = Extract<ImageRef, { dataset: string }>;

/** The image's bytes, or a file path it names, or why it is not there. */
export type DatasetImage = { bytes: Uint8Array } | { path: string } | { problem: string };

/** A parsed JSON dataset, kept while its file is unchanged (a view asks one row at a time). */
let jsonCache: { file: string; mtimeMs: number; rows: unknown[] } | undefined;

function jsonRows(file: string): unknown[] | string {
  const mtimeMs = fs.statSync(file).mtimeMs;
  if (jsonCache && jsonCache.file === file && jsonCache.mtimeMs === mtimeMs) return jsonCache.rows;
  const text = fs.readFileSync(file, 'utf8');
  let rows: unknown[];
  if (file.endsWith('.jsonl')) {
    rows = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim() === '') continue;
      try {
        rows.push(JSON.parse(lines[i]!));
      } catch (e) {
        return `line ${i + 1} is not JSON (${errorMessage(e)})`;
      }
    }
  } else {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v)) return 'not a JSON list of rows';
    rows = v;
  }
  jsonCache = { file, mtimeMs, rows };
  return rows;
}

/** What a dataset cell holds, as an image: bytes, a struct {bytes, path}, a path, a data URI, or a list (item). */
function cellImage(cell: unknown, item: number, datasetDir: string): DatasetImage {
  if (Array.isArray(cell)) {
    if (item >= cell.length) return { problem: `the cell holds ${cell.length} images; item ${item} is out of range` };
    return cellImage(cell[item], 0, datasetDir);
  }
  if (cell instanceof Uint8Array) return { bytes: cell };
  if (typeof cell === 'string') {
    if (cell.startsWith('data:')) {
      const bytes = dataUriBytes(cell);
      return typeof bytes === 'string' ? { problem: bytes } : { bytes };
    }
    return { path: isAbsolute(cell) ? cell : resolve(datasetDir, cell) };
  }
  if (cell && typeof cell === 'object') {
    const o = cell as Record<string, unknown>;
    if (o['bytes'] instanceof Uint8Array && o['bytes'].length > 0) return { bytes: o['bytes'] };
    if (typeof o['path'] === 'string' && o['path'] !== '') return cellImage(o['path'], 0, datasetDir);
    return { problem: 'the cell is a struct with neither bytes nor a path' };
  }
  return { problem: `the cell is ${cell === null || cell === undefined ? 'empty' : typeof cell}, not an image` };
}

export async function datasetImage(ref: DatasetRef): Promise<DatasetImage> {
  const file = ref.dataset;
  if (!fs.existsSync(file)) return { problem: 'the dataset file does not exist' };
  const item = ref.item ?? 0;
  try {
    if (file.endsWith('.parquet')) {
      const buf = await asyncBufferFromFile(file);
      const metadata = await parquetMetadataAsync(buf);
      const rows = Number(metadata.num_rows);
      if (ref.row >= rows) return { problem: `the dataset has ${rows} rows; row ${ref.row} is out of range` };
      const names = new Set(metadata.schema.map((s) => s.name));
      if (!names.has(ref.column)) return { problem: `the dataset has no column "${ref.column}"` };
      // utf8: false keeps an Image struct's `bytes` (BYTE_ARRAY without a string type) as bytes; string columns stay strings.
      const got = (await parquetReadObjects({
        utf8: false,
        file: buf,
        metadata,
        columns: [ref.column],
        rowStart: ref.row,
        rowEnd: ref.row + 1,
      })) as Array<Record<string, unknown>>;
      return cellImage(got[0]?.[ref.column], item, dirname(file));
    }
    const rows = jsonRows(file);
    if (typeof rows === 'string') return { problem: rows };
    if (ref.row >= rows.length) return { problem: `the dataset has ${rows.length} rows; row ${ref.row} is out of range` };
    const row = rows[ref.row];
    if (!row || typeof row !== 'object' || !(ref.column in row)) return { problem: `row ${ref.row} has no "${ref.column}"` };
    return cellImage((row as Record<string, unknown>)[ref.column], item, dirname(file));
  } catch (e) {
    return { problem: `the dataset could not be read (${errorMessage(e)})` };
  }
}
