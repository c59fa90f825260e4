// Dataset files given with `--dataset` (IngestOptions.datasets): the rows a rollout names only by
// what it shares with them. GUI-G1's debug logs keep the target box but not the image or the
// instruction, so a sample finds its row by that box (docs/formats.md#vlm-r1-and-gui-g1-debug-logs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, LensError } from '../../shared/errors';
import type { BoxCoords } from '../../shared/media';

export interface DatasetRow {
  file: string;
  /** 0-based position in its file. */
  row: number;
  /** Absolute: the row's `image` joined to --image-root, else to the dataset file's folder (as the trainer joins it to --image_root). */
  image?: string;
  problem?: string;
}

export type RowMatch = { ok: true; row: DatasetRow } | { ok: false; why: string };

const boxKey = (b: readonly number[]): string => b.map((x) => String(x)).join(',');

/** A dataset file's text; a file that cannot be read is an error naming it. */
function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LensError(ErrorCode.Unreadable, `${file}: cannot read the dataset (${(e as Error).message})`, { file });
  }
}

/** A whole-JSON dataset file (a list of rows, or an annotation object keyed by id). */
export function readDatasetJson(file: string): unknown {
  try {
    return JSON.parse(readText(file)) as unknown;
  } catch (e) {
    if (e instanceof LensError) throw e;
    throw new LensError(ErrorCode.BadInput, `${file}: the dataset is not JSON (${(e as Error).message})`, { file });
  }
}

function rowsOf(file: string): unknown[] {
  if (file.endsWith('.jsonl')) {
    return readText(file)
      .split('\n')
      .map((l, i) => {
        if (!l.trim()) return undefined;
        try {
          return JSON.parse(l) as unknown;
        } catch {
          throw new LensError(ErrorCode.BadInput, `${file}:${i + 1}: dataset line is not JSON`, { file, line: i + 1 });
        }
      })
      .filter((r) => r !== undefined);
  }
  const v = readDatasetJson(file);
  if (!Array.isArray(v)) throw new LensError(ErrorCode.BadInput, `${file}: the dataset is not a JSON list of rows`, { file });
  return v;
}

/** The rows of the given dataset files, by their target box (`solution` as [x1, y1, x2, y2]). */
export class DatasetIndex {
  private readonly byBox = new Map<string, DatasetRow[]>();

  constructor(
    readonly files: readonly string[],
    imageRoot: string | undefined,
  ) {
    for (const file of files) {
      rowsOf(file).forEach((r, row) => {
        if (typeof r !== 'object' || r === null) return;
        const o = r as Record<string, unknown>;
        const sol = o['solution'];
        if (!Array.isArray(sol) || sol.length !== 4 || !sol.every((x) => typeof x === 'number')) return;
        const image = typeof o['image'] === 'string' ? path.resolve(imageRoot ?? path.dirname(file), o['image']) : undefined;
        const entry: DatasetRow = {
          file,
          row,
          ...(image !== undefined ? { image } : {}),
          ...(typeof o['problem'] === 'string' ? { problem: o['problem'] } : {}),
        };
        const key = boxKey(sol as number[]);
        const list = this.byBox.get(key);
        if (list) list.push(entry);
        else this.byBox.set(key, [entry]);
      });
    }
  }

  /** The one row with this target box; rows that agree on image and problem count as one. */
  match(box: BoxCoords): RowMatch {
    const rows = this.byBox.get(boxKey(box)) ?? [];
    const names = this.files.map((f) => path.basename(f)).join(', ');
    const shown = `[${box.join(', ')}]`;
    if (!rows.length) return { ok: false, why: `no row of ${names} has the target box ${shown}` };
    const distinct = new Set(rows.map((r) => JSON.stringify([r.image, r.problem])));
    if (distinct.size > 1) {
      const at = rows.slice(0, 3).map((r) => `${path.basename(r.file)} row ${r.row}`);
      return {
        ok: false,
        why: `${rows.length} rows with different images or instructions have the target box ${shown} (${at.join(', ')})`,
      };
    }
    return { ok: true, row: rows[0]! };
  }
}
