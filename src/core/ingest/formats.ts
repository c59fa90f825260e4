// Every trainer format Rollout Lens reads, listed once. Detection (sources.ts), the line parser
// (batchParser.ts), the ingest's whole-file passes (ingestor.ts), the messages that name the known
// formats and the check of docs/formats.md#formats all come from this list. Each format describes
// itself in its own file. Adding one = that descriptor, one line in LIST, and a row in the table in
// docs/formats.md#formats; a rollout format's id also goes in ROLLOUT_FORMATS, which src/shared keeps
// because the webviews import it and src/shared cannot import this file (RolloutFormatsMatch below).
import * as fs from 'node:fs';
import type { ROLLOUT_FORMATS, Split } from '../../shared/rollout';
import type { LineParser } from './batchParser';
import type { PassContext, PassCounters } from './filePass';
import type { JsonObject } from './jsonLine';
import type { TrlAhead } from './wholeFile';
import { arealRollouts } from './arealFormat';
import { artTrajectories } from './artFormat';
import { groundingDebugLog } from './groundingLogFormat';
import { msSwiftRollouts } from './msSwiftFormat';
import { nativeMetrics, nativeRollouts } from './nativeFormat';
import { nemoRlRollouts } from './nemoRlFormat';
import { oatEvalResults } from './oatEvalFormat';
import { primeRlMetrics, primeRlRollouts } from './primeRlFormat';
import { rllmEpisodes } from './rllmFormat';
import { rollRollouts } from './rollFormat';
import { skyrlEvals } from './skyrlFormat';
import { slimeRollouts } from './slimeFormat';
import { verlMetrics, verlRollouts } from './verlFormat';
import { videoDebugLog } from './videoLogFormat';
import { trlCompletions, trlTrainerState } from './wholeFile';

export type FormatKind = 'rollouts' | 'metrics';

/** Files a format knows by their name alone. */
export interface FileNames {
  /** How "not a rollout or metrics file (…)" lists them: `.parquet`, `trainer_state.json`. */
  shown: string;
  matches(name: string): boolean;
}

/** What a JSON-lines format's parser is made for: one file, read from its cursor. */
export interface LineParserArgs {
  file: string;
  split: Split;
  /** The state the parser saved with the file's cursor (null at the file's start). */
  saved: string | null;
  /** Rollouts per prompt, for formats without group ids (`--group-size`). */
  groupSize: number | undefined;
  /** Dataset files (absolute) that rows join by their dataset index (`--dataset`, repeatable); [] when none. */
  datasets: readonly string[];
}

interface FormatBase<Id extends string, Kind extends FormatKind> {
  /** Its name in `--format`, the runs table, the ingest report and the files table. */
  id: Id;
  kind: Kind;
}

/** A format written as JSON lines, appended while the trainer runs; known by its first record's keys. */
export interface LineFormat<Id extends string = string, Kind extends FormatKind = FormatKind> extends FormatBase<Id, Kind> {
  reads: 'lines';
  /** True when a file's first record has this format's keys. */
  matches(record: JsonObject): boolean;
  /** Formats listed earlier whose keys must be tried after this one's (the descriptor says why). */
  triedBefore?: readonly string[];
  /** How "match no known format (…)" names it, where its id alone would mislead. */
  listedAs?: string;
  parser(args: LineParserArgs): LineParser;
  /** The trainer's own files that cannot be read as they are, and what to do with them. */
  unreadable?: FileNames & { reason: string };
  /** The trainer's file names, which tell the format when a first line is too long to detect from (a whole step per line). */
  longLineNames?(name: string): boolean;
  /** Why a file found in an ingested folder is not read there (another file holds its records), if so. */
  leftOutOfFolder?(file: string): string | undefined;
}

/** What one file of a run tells the reading of another, kept for the whole ingest. */
export interface RunNotes {
  /** Reward function names from trainer_state.json: which TRL parquet columns are rewards. */
  rewardNames: Set<string>;
}

/** One pass over a whole file. */
export interface WholeFilePass {
  ctx: PassContext;
  file: string;
  /** Following a trainer: a file caught while it is being written waits for the next poll. */
  settling: boolean;
  notes: RunNotes;
  /** This file's read, started in the parsing worker ahead of its turn (see readAhead). */
  ahead: TrlAhead | undefined;
}

/** A format whose files are rewritten in place and read whole when they change; known by name. */
export interface WholeFileFormat<Id extends string = string, Kind extends FormatKind = FormatKind> extends FormatBase<Id, Kind> {
  reads: 'whole-file';
  files: FileNames;
  /** Files known by how they start, whatever their name (a trainer lets the user name them): `ext` and a test of the first 64 KiB (and of the path, where the folder tells too). */
  opens?: { ext: string; matches(head: string, file: string): boolean };
  /** Files known by where the trainer puts them (folder and name), whatever their extension; tried first. */
  placed?(file: string): boolean;
  /** Read before the pass's other files, which need what it says. */
  readFirst?: boolean;
  pass(p: WholeFilePass): PassCounters | Promise<PassCounters>;
  /** What a pass will parse, in bytes of text, toward starting the parsing worker (0: unchanged). */
  pendingBytes?(ctx: PassContext, file: string): number;
  /** Starts this file's read in the pass's parsing worker, when there is one and the file changed. */
  readAhead?(ctx: PassContext, file: string, notes: RunNotes): TrlAhead | undefined;
}

export type Format = LineFormat | WholeFileFormat;

/** How much of a file `opens` formats look at. */
const CONTENT_HEAD_BYTES = 1 << 16;

/** The files JSON-lines formats are read from, in a folder. */
const JSON_LINES: FileNames = { shown: '.jsonl', matches: (name) => name.endsWith('.jsonl') };

/** One list of formats and what is derived from it; FORMATS is the one the ingest uses. */
export class Formats<F extends Format> {
  private readonly byId: ReadonlyMap<string, F>;
  private readonly lines: ReadonlyArray<F & LineFormat>;
  /** The JSON-lines formats in the order a first record's keys are tried. */
  readonly tried: ReadonlyArray<F & LineFormat>;

  constructor(readonly all: readonly F[]) {
    this.byId = new Map(all.map((f) => [f.id, f]));
    this.lines = all.filter((f): f is F & LineFormat => f.reads === 'lines');
    this.tried = triedOrder(this.lines);
  }

  get(id: F['id']): F {
    const f = this.byId.get(id);
    if (!f) throw new Error(`no format ${JSON.stringify(id)} in the list`);
    return f;
  }

  find(id: string): F | undefined {
    return this.byId.get(id);
  }

  rolloutIds(): Array<F['id']> {
    return this.all.filter((f) => f.kind === 'rollouts').map((f) => f.id);
  }

  /** The JSON-lines format a file's first record belongs to, if any. */
  detectRecord(record: JsonObject): F['id'] | undefined {
    return this.tried.find((f) => f.matches(record))?.id;
  }

  /** The format whose step-per-line files have this name, for a first line too long to read its keys. */
  detectLongLine(name: string): F['id'] | undefined {
    return this.lines.find((f) => f.longLineNames?.(name))?.id;
  }

  /** What a file is from its name alone: a whole-file format, a file to convert first, or undefined. */
  detectFileName(name: string): F['id'] | { unknown: string } | undefined {
    for (const f of this.all) {
      if (f.reads === 'whole-file' && f.files.matches(name)) return f.id;
      if (f.reads === 'lines' && f.unreadable?.matches(name)) return { unknown: f.unreadable.reason };
    }
    return undefined;
  }

  /** The whole-file format a file belongs to by its place (path and name), if any (tried before anything else). */
  detectPlaced(file: string): F['id'] | undefined {
    return this.all.find((f) => f.reads === 'whole-file' && f.placed?.(file) === true)?.id;
  }

  /** The whole-file format a file belongs to by how it starts, if any (tried before its name). */
  detectContent(file: string): F['id'] | undefined {
    const by = this.all.filter(
      (f): f is F & WholeFileFormat => f.reads === 'whole-file' && f.opens !== undefined && file.endsWith(f.opens.ext),
    );
    if (!by.length) return undefined;
    let head: string;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        const buf = Buffer.alloc(CONTENT_HEAD_BYTES);
        head = buf.toString('utf8', 0, fs.readSync(fd, buf, 0, buf.length, 0));
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return undefined; // the caller reports the unreadable file
    }
    return by.find((f) => f.opens!.matches(head, file))?.id;
  }

  /** Why a file found in an ingested folder is not read there, if it is not. */
  leftOutOfFolder(file: string): string | undefined {
    for (const f of this.lines) {
      const why = f.leftOutOfFolder?.(file);
      if (why !== undefined) return why;
    }
    return undefined;
  }

  /** True for a file name a folder's walk looks at (it may still turn out to be unreadable). */
  isKnownFileName(name: string): boolean {
    return this.fileNames().some((n) => n.matches(name));
  }

  /** "native, verl, …, metrics logs": the JSON-lines formats, in list order, as messages name them. */
  recordFormatsText(): string {
    // Metrics formats share one parser and differ only in a key; users know them as metrics logs.
    const names = this.lines.map((f) => (f.kind === 'metrics' ? 'metrics logs' : (f.listedAs ?? f.id)));
    return [...new Set(names)].join(', ');
  }

  /** ".jsonl, .parquet, …": the files a folder's walk looks at, as messages name them. */
  fileNamesText(): string {
    return [...new Set(this.fileNames().map((n) => n.shown))].join(', ');
  }

  private fileNames(): FileNames[] {
    const named = this.all.flatMap((f) => (f.reads === 'whole-file' ? [f.files] : f.unreadable ? [f.unreadable] : []));
    return this.lines.length ? [JSON_LINES, ...named] : named;
  }
}

/**
 * Rollout formats' keys are tried before metrics formats' (a metrics line is `step` and one more
 * key, which a rollout record may have too), each kind in list order, except that a format is
 * moved before the formats it names in `triedBefore`.
 */
function triedOrder<L extends LineFormat>(lines: readonly L[]): L[] {
  const order: L[] = [];
  for (const f of [...lines.filter((l) => l.kind === 'rollouts'), ...lines.filter((l) => l.kind === 'metrics')]) {
    const at = order.findIndex((g) => f.triedBefore?.includes(g.id));
    if (at < 0) order.push(f);
    else order.splice(at, 0, f);
  }
  return order;
}

const LIST = [
  nativeRollouts,
  verlRollouts,
  trlCompletions,
  primeRlRollouts,
  nemoRlRollouts,
  arealRollouts,
  slimeRollouts,
  groundingDebugLog,
  videoDebugLog,
  oatEvalResults,
  rllmEpisodes,
  artTrajectories,
  msSwiftRollouts,
  rollRollouts,
  skyrlEvals,
  nativeMetrics,
  verlMetrics,
  primeRlMetrics,
  trlTrainerState,
] as const;

export const FORMATS = new Formats<(typeof LIST)[number]>(LIST);

/** What a file holds and how to read it: the id of one of FORMATS. */
export type FileFormat = (typeof LIST)[number]['id'];

type RolloutIds<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R]
  ? H extends { kind: 'rollouts'; id: infer Id }
    ? [Id, ...RolloutIds<R>]
    : RolloutIds<R>
  : [];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type MustHold<T extends true> = T;
/**
 * Fails to compile unless ROLLOUT_FORMATS (src/shared: the engine protocol, `--format` and the
 * webviews use it) names the rollout formats of LIST, in the same order.
 */
export type RolloutFormatsMatch = MustHold<Same<RolloutIds<typeof LIST>, [...typeof ROLLOUT_FORMATS]>>;
