// Reading and parsing a byte range of a JSON-lines file into batches: the code the parsing worker
// runs (parsedBatches.ts), and the small-read path on the writing thread.
import type { Split } from '../../shared/rollout';
import { reflectionMatcher, type ReflectionMatcher, type ReflectionMode } from '../analysis/reflection';
import { policyTextOf } from '../tokenize/trainedTurns';
import { FORMATS, type FileFormat } from './formats';
import { LineReader } from './lineReader';
import type { ParsedRecord } from './records';

export interface ParsedLine {
  line: number;
  record: ParsedRecord;
  /** Reflection keywords in each sample's response (one line may hold several), when a matcher was given. */
  reflections?: number[];
}

export interface ParsedBatch {
  items: ParsedLine[];
  /** Reader position after the batch: the cursor committed with it. */
  offset: number;
  line: number;
  /** Lines skipped as too long: [line number, bytes]. */
  oversized: Array<[number, number]>;
  /** The parser's state after the batch (LineParser.state), saved with the cursor. */
  state?: string;
}

/** What a worker needs to read and parse a byte range of an open file the same way as here. */
export interface ParseJob {
  fd: number;
  file: string;
  offset: number;
  line: number;
  limit: number;
  format: FileFormat;
  split: Split;
  batchRows: number;
  reflection: { keywords: readonly string[]; mode: ReflectionMode } | null;
  /** The state a stateful parser saved with the cursor, to resume from (null at the file's start). */
  state: string | null;
  /** Rollouts per prompt for formats without group ids. */
  groupSize?: number;
  /** Dataset files rows are joined to by their dataset index (`--dataset`). */
  datasets?: readonly string[];
}

export interface BatchSource {
  /** The next batch; undefined at the end of the range. */
  next(): Promise<ParsedBatch | undefined>;
  close(): Promise<void>;
}

/**
 * Parses a file's lines in order. A parser that needs what came before (NeMo-RL's contiguous groups)
 * gives its state, which is saved with the cursor and handed back when the next pass resumes.
 */
export interface LineParser {
  parse(text: string): ParsedRecord;
  state?(): string;
}

export function lineParser(
  format: FileFormat,
  split: Split,
  file: string,
  saved: string | null,
  opts: { groupSize?: number | undefined; datasets?: readonly string[] | undefined } = {},
): LineParser {
  const f = FORMATS.get(format);
  if (f.reads !== 'lines') throw new Error(`not a JSON-lines format: ${format}`);
  return f.parser({ file, split, saved, groupSize: opts.groupSize, datasets: opts.datasets ?? [] });
}

/** Reads and parses batches synchronously: the code the worker runs, and the small-read path. */
export class BatchParser {
  private readonly reader: LineReader;
  private readonly parser: LineParser;
  private readonly matcher: ReflectionMatcher | undefined;

  constructor(private readonly job: ParseJob) {
    this.reader = new LineReader(job.fd, job.offset, job.line, job.limit);
    this.parser = lineParser(job.format, job.split, job.file, job.state, { groupSize: job.groupSize, datasets: job.datasets });
    this.matcher = job.reflection ? reflectionMatcher(job.reflection) : undefined;
  }

  next(): ParsedBatch | undefined {
    const lines = this.reader.next(this.job.batchRows);
    if (lines.length === 0) return undefined;
    const items: ParsedLine[] = new Array<ParsedLine>(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const record = this.parser.parse(l.text);
      const m = this.matcher;
      items[i] =
        m && record.kind === 'sample'
          ? {
              line: l.line,
              record,
              reflections: [m.count(policyTextOf(record.sample.response, record.sample.turns))],
            }
          : m && record.kind === 'samples'
            ? {
                line: l.line,
                record,
                reflections: record.samples.map((x) => m.count(policyTextOf(x.response, x.turns))),
              }
            : { line: l.line, record };
    }
    const batch: ParsedBatch = {
      items,
      offset: this.reader.offset,
      line: this.reader.line,
      oversized: this.reader.oversized.splice(0),
    };
    if (this.parser.state) batch.state = this.parser.state();
    return batch;
  }
}
