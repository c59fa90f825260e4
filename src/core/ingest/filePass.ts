// What a pass over any one file shares, whatever its format: the ingest's context, the counts it
// returns and the file's durable cursor. Kept apart from jsonlFile.ts so that whole-file readers,
// which the format list names, do not load the JSON-lines pass (and through it the list itself).
import * as fs from 'node:fs';
import type { Grouping, IngestReport } from '../../shared/rollout';
import type { FileCursor, FileCursors } from '../store/files';
import type { RolloutWriter } from '../store/rolloutWriter';
import type { Store } from '../store/store';
import type { ReflectionMatcher } from '../analysis/reflection';
import type { ParseJob } from './batchParser';
import type { ParseWorker } from './parsedBatches';

export interface PassCounters {
  /** How the samples read in this pass were grouped (one entry per kind seen). */
  groupings?: Set<Grouping>;
  added: number;
  duplicate: number;
  metrics: number;
  /** Samples whose trained / filtered-out mark changed (prime-rl effective/). */
  marked?: number;
  steps: Set<string>;
  bytes: number;
  errors: Array<{ line: number | null; message: string }>;
  /** Problems with single samples that did not stop them being stored (an unmatched dataset row). */
  warnings?: string[];
  /** Why the cursor went back to the start of the file, if it did. */
  reset?: 'truncated' | 'replaced';
}

/** What a follow pass counts as progress: duplicates too (a re-run of stored samples), and marks alone (prime-rl effective/). */
export function progressOf(r: IngestReport): number {
  return r.samples_added + r.samples_duplicate + r.metrics_added + r.errors.length + (r.samples_marked ?? 0);
}

/** A file pass's counters before it has read anything. */
export function emptyCounters(): PassCounters {
  return { added: 0, duplicate: 0, metrics: 0, steps: new Set(), bytes: 0, errors: [] };
}

export interface PassContext {
  store: Store;
  cursors: FileCursors;
  writer: RolloutWriter;
  runId: number;
  batchRows: number;
  signal?: AbortSignal;
  /** Lets the event loop run between batches (cancellation, progress, other requests). */
  breathe: () => Promise<void>;
  onBatch?: (bytesDone: number) => void;
  /** Counted while parsing and stored with the rows when the run's counts are current (enrich). */
  reflection?: ReflectionMatcher;
  /** Set for a pass with enough to read: JSON lines are parsed there while this thread writes. */
  parseWorker?: ParseWorker | undefined;
  /** Rollouts per prompt for formats without group ids (IngestOptions.groupSize). */
  groupSize?: number;
  /** Dataset files that rollouts are joined to (IngestOptions.datasets). */
  datasets?: readonly string[];
  /** Where the datasets' image paths are relative to (IngestOptions.imageRoot). */
  imageRoot?: string;
  /** Where the annotations' videos are (IngestOptions.videoRoot). */
  videoRoot?: string;
}

/** Finds (or creates) the cursor for a file, following a rename by device and inode. */
export function cursorFor(ctx: PassContext, file: string, st: fs.Stats, kind: FileCursor['kind'], format: string): FileCursor {
  let c = ctx.cursors.get(ctx.runId, file);
  if (!c) {
    const moved = ctx.cursors.byInode(ctx.runId, st.dev, st.ino);
    if (moved && !fs.existsSync(moved.path)) {
      moved.path = file; // the same file under a new name: keep its cursor and identities
      ctx.store.write(() => ctx.cursors.save(moved));
      c = moved;
    } else {
      c = ctx.store.write(() => ctx.cursors.create(ctx.runId, file, kind, format));
    }
  }
  return c;
}

/** The pass's keyword matcher as a worker job carries it (null: no counting). */
export function reflectionJob(ctx: Pick<PassContext, 'reflection'>): ParseJob['reflection'] {
  return ctx.reflection ? { keywords: ctx.reflection.keywords, mode: ctx.reflection.mode } : null;
}
