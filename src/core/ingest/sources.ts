// Finding the files under a path and telling what each one is, from its name and first record.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, LensError } from '../../shared/errors';
import type { FormatChoice, RolloutFormat, Split } from '../../shared/rollout';
import { parseObjectLine } from './jsonLine';

/** What a file holds and how to read it. */
export type FileFormat = RolloutFormat | 'native-metrics' | 'verl-metrics' | 'prime-rl-metrics' | 'trl-state';

export interface SourceFile {
  path: string;
  format: FileFormat;
  kind: 'rollouts' | 'metrics';
  split: Split;
}

export type Detection = FileFormat | 'empty' | { unknown: string };

const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'wandb', '.rollout-lens']);
const MAX_DEPTH = 5;
const HEAD_BYTES = 1 << 16;
const MAX_HEAD_BYTES = 1 << 24;

export function isMetricsFormat(f: FileFormat): boolean {
  return f === 'native-metrics' || f === 'verl-metrics' || f === 'prime-rl-metrics' || f === 'trl-state';
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
      if (n < size || size >= MAX_HEAD_BYTES || /\S[^\n]*\n/.test(data.toString('latin1'))) break;
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
  if (first === undefined)
    return head.trim() === '' ? 'empty' : { unknown: 'first line is longer than 16 MiB' };
  const o = parseObjectLine(first.trim());
  if (typeof o === 'string') return { unknown: `first line is not a JSON object (${o})` };
  return detectObject(o);
}

export function detectObject(o: Record<string, unknown>): Detection {
  if ('input' in o && 'output' in o && 'score' in o) return 'verl';
  if ('prompt' in o && ('response' in o || 'turns' in o) && 'reward' in o && 'group' in o) return 'native';
  // verifiers Episode.to_record() (prime-rl's FileMonitor)
  if ('traces' in o && 'task' in o && ('group' in o || 'run' in o || 'ok' in o)) return 'prime-rl';
  // NeMo-RL Logger.log_batched_dict_as_jsonl: batch-of-1 slices plus the row number
  if ('content' in o && 'rewards' in o && 'idx' in o) return 'nemo-rl';
  if ('task_id' in o && 'sample_idx' in o && 'completion' in o && 'reward' in o) return 'areal';
  // what `python -m rollout_lens_logger.convert slime` writes from a slime .pt dump
  if ('rollout_id' in o && 'sample' in o) return 'slime';
  if ('step' in o && 'metrics' in o) return 'native-metrics';
  if ('step' in o && 'data' in o) return 'verl-metrics';
  if ('step' in o && 'time' in o) return 'prime-rl-metrics';
  const keys = Object.keys(o).slice(0, 8).join(', ');
  return {
    unknown: `records with keys {${keys}} match no known format (native, verl, prime-rl, nemo-rl, areal, converted slime, metrics logs)`,
  };
}

/** slime writes torch pickles, which are never unpickled here: the companion converter reads them. */
export const SLIME_PT_HINT =
  'a torch .pt file (slime --save-debug-rollout-data): convert it first with `python -m rollout_lens_logger.convert slime FILE` (needs torch), then ingest the .jsonl it writes';

/** prime-rl's `effective` traces are a subset of `all`: read `all` when a step has both. */
function effectiveWithAll(file: string): boolean {
  const dir = path.dirname(file);
  return (
    path.basename(file) === 'traces.jsonl' &&
    path.basename(dir) === 'effective' &&
    fs.existsSync(path.join(path.dirname(dir), 'all', 'traces.jsonl'))
  );
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

const NOT_READ = 'not a rollout or metrics file (.jsonl, .parquet, slime .pt, trainer_state.json)';

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
      if (depth < MAX_DEPTH && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.'))
        walk(p, depth + 1, out, skipped);
    } else if (
      e.isFile() &&
      (e.name.endsWith('.jsonl') ||
        e.name.endsWith('.parquet') ||
        e.name.endsWith('.pt') ||
        e.name === 'trainer_state.json')
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
      const base = path.basename(file);
      if (st.isDirectory() && effectiveWithAll(file)) {
        result.unknown.push({
          path: file,
          reason: 'prime-rl "effective" traces are a subset of "all", which is read instead',
        });
        continue;
      }
      let det: Detection;
      if (base.endsWith('.pt')) det = { unknown: SLIME_PT_HINT };
      else if (base.endsWith('.parquet')) det = 'trl';
      else if (base === 'trainer_state.json') det = 'trl-state';
      else det = detectJsonl(file);
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
        const isParquet = base.endsWith('.parquet');
        if ((choice === 'trl') !== isParquet) {
          result.unknown.push({ path: file, reason: `not read as ${choice} (--format ${choice})` });
          continue;
        }
        format = choice;
      }
      result.files.push({
        path: file,
        format,
        kind: isMetricsFormat(format) ? 'metrics' : 'rollouts',
        split: splitOf(file, split),
      });
    }
  }
  const rolloutFormats = new Set(result.files.filter((f) => f.kind === 'rollouts').map((f) => f.format));
  if (rolloutFormats.size > 1) {
    const examples = [...rolloutFormats]
      .map((fmt) => `${fmt} (${result.files.find((f) => f.format === fmt)!.path})`)
      .join(', ');
    throw new LensError(
      ErrorCode.BadInput,
      `${paths.join(', ')}: rollout files of different formats: ${examples}; ingest them as separate runs or pass --format`,
    );
  }
  return result;
}
