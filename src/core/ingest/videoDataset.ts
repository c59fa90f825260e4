// Annotation files given with `--dataset` for video temporal grounding: the rows a VideoChat-R1 /
// Time-R1 debug log names only by its target segment (docs/formats.md#videochat-r1-and-time-r1-debug-logs).
// VideoChat-R1's grpo_tg.py reads Charades-STA / ActivityNet annotations keyed by video id
// (`{id: {duration, timestamps: [[s, e], …], sentences: […]}}`) and trains on `{video_folder}/{id}.mp4`;
// Time-R1's main.py reads a list of `{video, timestamp: [s, e], sentence, duration}`.
import * as path from 'node:path';
import { ErrorCode, LensError } from '../../shared/errors';
import type { Segment, VideoRef } from '../../shared/media';
import { readDatasetJson } from './datasetJoin';

export interface VideoRow {
  file: string;
  /** `video_id` and sentence position (Charades), or the list position (Time-R1). */
  where: string;
  video: VideoRef;
  /** The sentence as the trainers make the problem of it: stripped, lower case, one final "." dropped. */
  sentence?: string;
}

export type VideoMatch = { ok: true; row: VideoRow } | { ok: false; why: string };

const segmentKey = (s: readonly number[]): string => s.map((x) => String(x)).join(',');

function isPair(v: unknown): v is Segment {
  return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Both trainers' `sentence.strip().lower()` and one trailing "." removed. */
function problemOf(sentence: unknown): string | undefined {
  if (typeof sentence !== 'string') return undefined;
  const s = sentence.trim().toLowerCase();
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** The annotations of the given files, by target segment. */
export class VideoAnnotations {
  private readonly bySegment = new Map<string, VideoRow[]>();

  constructor(
    readonly files: readonly string[],
    videoRoot: string | undefined,
  ) {
    for (const file of files) {
      const root = videoRoot ?? path.dirname(file);
      const v = readDatasetJson(file);
      if (Array.isArray(v)) this.addList(file, root, v);
      else if (typeof v === 'object' && v !== null) this.addKeyed(file, root, v as Record<string, unknown>);
      else throw new LensError(ErrorCode.BadInput, `${file}: the annotations are neither an object keyed by video id nor a list`, { file });
    }
  }

  private add(segment: Segment, row: VideoRow): void {
    const key = segmentKey(segment);
    const list = this.bySegment.get(key);
    if (list) list.push(row);
    else this.bySegment.set(key, [row]);
  }

  private addKeyed(file: string, root: string, data: Record<string, unknown>): void {
    for (const [id, entry] of Object.entries(data)) {
      if (typeof entry !== 'object' || entry === null) continue;
      const o = entry as Record<string, unknown>;
      const stamps = Array.isArray(o['timestamps']) ? o['timestamps'] : [];
      const sentences = Array.isArray(o['sentences']) ? o['sentences'] : [];
      const duration = typeof o['duration'] === 'number' ? o['duration'] : undefined;
      const video: VideoRef = { path: path.resolve(root, `${id}.mp4`), ...(duration !== undefined ? { duration } : {}) };
      stamps.forEach((s, k) => {
        if (!isPair(s)) return;
        const sentence = problemOf(sentences[k]);
        this.add(s, { file, where: `${id} sentence ${k}`, video, ...(sentence !== undefined ? { sentence } : {}) });
      });
    }
  }

  private addList(file: string, root: string, rows: unknown[]): void {
    rows.forEach((r, k) => {
      if (typeof r !== 'object' || r === null) return;
      const o = r as Record<string, unknown>;
      const s = o['timestamp'] ?? o['timestamps'];
      if (!isPair(s) || typeof o['video'] !== 'string') return;
      const duration = typeof o['duration'] === 'number' ? o['duration'] : undefined;
      const video: VideoRef = { path: path.resolve(root, o['video']), ...(duration !== undefined ? { duration } : {}) };
      const sentence = problemOf(o['sentence']);
      this.add(s, { file, where: `row ${k}`, video, ...(sentence !== undefined ? { sentence } : {}) });
    });
  }

  /** The one annotation with this target segment; annotations that agree on video and sentence count as one. */
  match(gt: Segment): VideoMatch {
    const rows = this.bySegment.get(segmentKey(gt)) ?? [];
    const names = this.files.map((f) => path.basename(f)).join(', ');
    const shown = `[${gt.join(', ')}]`;
    if (!rows.length) return { ok: false, why: `no annotation in ${names} has the target segment ${shown}` };
    const distinct = new Set(rows.map((r) => JSON.stringify([r.video.path, r.sentence])));
    if (distinct.size > 1) {
      const at = rows.slice(0, 3).map((r) => `${path.basename(r.file)} ${r.where}`);
      return {
        ok: false,
        why: `${rows.length} annotations with different videos or sentences have the target segment ${shown} (${at.join(', ')})`,
      };
    }
    return { ok: true, row: rows[0]! };
  }
}
