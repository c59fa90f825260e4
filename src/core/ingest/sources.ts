// Finding the files under a path and telling what each one is, from its name and first record,
// as the formats in formats.ts describe them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, LensError } from '../../shared/errors';
import type { FormatChoice, Split } from '../../shared/rollout';
import { FORMATS, type FileFormat, type FormatKind } from './formats';
import { bareNaNAsNull, parseObjectLine } from './jsonLine';

export interface SourceFile {
  path: string;
  format: FileFormat;
  kind: FormatKind;
  split: Split;
}

export type Detection = FileFormat | 'empty' | { unknown: string };

const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'wandb', '.rollout-lens']);
const MAX_DEPTH = 5;
const HEAD_BYTES = 1 << 16;
const MAX_HEAD_BYTES = 1 << 24;

export function isMetricsFormat(f: FileFormat): boolean {
  return FORMATS.get(f).kind === 'metrics';
}

/**
 * True when the bytes hold a finished line with something on it. Linear: a regex search for such a
 * line is quadratic on a long line without its newline yet (seconds for 64 KiB, hours for 16 MiB).
 */
function hasEndedLine(data: Buffer): boolean {
  for (let start = 0; ;) {
    const nl = data.indexOf(0x0a, start);
    if (nl < 0) return false;
    if (data.toString('latin1', start, nl).trim() !== '') return true;
    start = nl + 1;
  }
}

/**
 * Reads the first non-empty line of a JSONL file and names its format. It reads 64 KiB, and more
 * (up to 16 MiB) while no line has ended: one long-CoT rollout with token ids and log-probabilities
 * is easily 100 KiB, and a cut-off line would read as malformed JSON.
 */
export function detectJsonl(file: string): Detection {
  const fd = fs.openSync(file, 'r');
  let head: string;
  let cut = false;
  try {
    let size = HEAD_BYTES;
    let buf: Buffer;
    let n: number;
    for (;;) {
      buf = Buffer.alloc(size);
      n = fs.readSync(fd, buf, 0, size, 0);
      const data = buf.subarray(0, n);
      if (n < size || size >= MAX_HEAD_BYTES || hasEndedLine(data)) break;
      size *= 4;
    }
    cut = n === size;
    if (buf.subarray(0, n).includes(0)) return { unknown: 'binary data, not JSON lines' };
    head = buf.toString('utf8', 0, n).replace(/^\uFEFF/, '');
  } finally {
    fs.closeSync(fd);
  }
  const lines = head.split('\n');
  const complete = lines.length > 1 || cut ? lines.slice(0, -1) : lines;
  const first = complete.find((l) => l.trim() !== '');
  if (first === undefined) {
    if (head.trim() === '') return 'empty';
    return FORMATS.detectLongLine(path.basename(file)) ?? { unknown: 'first line is longer than 16 MiB' };
  }
  let o = parseObjectLine(first.trim());
  // A bare NaN (Python's json.dumps) still shows the record's keys; its reader reports or reads it.
  if (typeof o === 'string' && /NaN|Infinity/.test(first)) {
    const keys = parseObjectLine(bareNaNAsNull(first.trim()));
    if (typeof keys !== 'string') o = keys;
  }
  if (typeof o === 'string') return { unknown: `first line is not a JSON object (${o})` };
  return detectObject(o);
}

export function detectObject(o: Record<string, unknown>): Detection {
  const format = FORMATS.detectRecord(o);
  if (format !== undefined) return format;
  const keys = Object.keys(o).slice(0, 8).join(', ');
  return {
    unknown: `records with keys {${keys}} match no known format (${FORMATS.recordFormatsText()})`,
  };
}

function splitOf(file: string, explicit?: Split): Split {
  if (explicit) return explicit;
  // verl's validation_data_dir is conventionally named "val…" / "validation…".
  return path
    .dirname(file)
    .split(path.sep)
    .some((seg) => /^(val|valid|validation|eval)([_-].*)?$/i.test(seg) || /validation/i.test(seg))
    ? 'val'
    : 'train';
}

const NOT_READ = `not a rollout or metrics file (${FORMATS.fileNamesText()})`;

function walk(dir: string, depth: number, out: string[], skipped: Discovery['unknown']): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new LensError(ErrorCode.Unreadable, `${dir}: cannot list the folder (${(e as Error).message})`, {
      file: dir,
    });
  }
  entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < MAX_DEPTH && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p, depth + 1, out, skipped);
    } else if (
      e.isFile() &&
      (FORMATS.isKnownFileName(e.name) || FORMATS.detectPlaced(p) !== undefined || FORMATS.detectContent(p) !== undefined)
    ) {
      out.push(p);
    } else if (e.isFile() && !e.name.startsWith('.')) {
      skipped.push({ path: p, reason: NOT_READ });
    }
  }
}

export interface Discovery {
  files: SourceFile[];
  /** Files that were looked at but are not a format we read (reported, not fatal in a folder). */
  unknown: Array<{ path: string; reason: string }>;
  /** Other files in the folders, not read: reported so nothing is dropped silently. */
  skipped: Array<{ path: string; reason: string }>;
  /** JSONL files with nothing in them yet (a trainer may be about to write them). */
  pending: string[];
}

/**
 * Lists what to read under the given paths. Throws for an unreadable path, for a single file of
 * unknown format, and for a folder whose rollout files mix formats.
 */
export function discover(paths: readonly string[], choice: FormatChoice, split?: Split): Discovery {
  const result: Discovery = { files: [], unknown: [], pending: [], skipped: [] };
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new LensError(ErrorCode.Unreadable, `${p}: no such file or folder`, { file: p });
    }
    const candidates: string[] = [];
    if (st.isDirectory()) walk(p, 0, candidates, result.skipped);
    else candidates.push(p);
    for (const file of candidates) {
      try {
        fs.accessSync(file, fs.constants.R_OK);
      } catch {
        throw new LensError(ErrorCode.Unreadable, `${file}: permission denied`, { file });
      }
      const leftOut = st.isDirectory() ? FORMATS.leftOutOfFolder(file) : undefined;
      if (leftOut !== undefined) {
        result.unknown.push({ path: file, reason: leftOut });
        continue;
      }
      // Where a file is decides first (ART's trajectories/{split}/0003.parquet is no TRL parquet), then how it
      // starts: a VideoChat-R1 log may be named like a VLM-R1 one (debug_log.txt).
      const det: Detection =
        FORMATS.detectPlaced(file) ?? FORMATS.detectContent(file) ?? FORMATS.detectFileName(path.basename(file)) ?? detectJsonl(file);
      if (det === 'empty') {
        result.pending.push(file);
        continue;
      }
      if (typeof det === 'object') {
        if (!st.isDirectory()) {
          throw new LensError(ErrorCode.UnknownFormat, `${file}: unknown format: ${det.unknown}`, { file });
        }
        result.unknown.push({ path: file, reason: det.unknown });
        continue;
      }
      let format: FileFormat = det;
      // An explicit --format decides how rollout files are read; metrics files are still recognised.
      if (choice !== 'auto' && !isMetricsFormat(det)) {
        const chosen = FORMATS.get(choice);
        const found = FORMATS.get(det);
        // A whole-file format's files are known by name: only they are read as it, and only as it.
        if ((chosen.reads === 'whole-file' || found.reads === 'whole-file') && chosen.id !== found.id) {
          result.unknown.push({ path: file, reason: `not read as ${choice} (--format ${choice})` });
          continue;
        }
        format = choice;
      }
      result.files.push({
        path: file,
        format,
        kind: FORMATS.get(format).kind,
        split: splitOf(file, split),
      });
    }
  }
  const rolloutFormats = new Set(result.files.filter((f) => f.kind === 'rollouts').map((f) => f.format));
  if (rolloutFormats.size > 1) {
    const examples = [...rolloutFormats].map((fmt) => `${fmt} (${result.files.find((f) => f.format === fmt)!.path})`).join(', ');
    throw new LensError(
      ErrorCode.BadInput,
      `${paths.join(', ')}: rollout files of different formats: ${examples}; ingest them as separate runs or pass --format`,
    );
  }
  return result;
}
