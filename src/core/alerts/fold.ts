// Folding new samples into per-step detector state, with reads only: the caller writes what it
// returns (drain) in its own transaction. So the same code runs on the ingesting thread, batch by
// batch, and in a worker thread with a read-only connection beside a bulk ingest (foldWorker.ts),
// whose result the ingesting thread then saves at once.
import { errorMessage } from '../../shared/errors';
import type { ImageRef, SampleBoxes, SampleSegments, VideoRef } from '../../shared/media';
import type { Split } from '../../shared/rollout';
import type { SqliteDatabase } from '../store/nativeLoader';
import type { DetectorSample, PeerSample, StepDetector } from './types';
import { sampleSuccess } from '../analysis/success';
import { runSuccessRule } from '../store/successStore';

interface SampleRow {
  id: number;
  group_id: number;
  step_id: number;
  split: Split;
  step: number;
  reward: number;
  correct: number | null;
  length_tokens: number | null;
  length_chars: number;
  components: string | null;
  response: string;
  images: string | null;
  boxes: string | null;
  video: string | null;
  segments: string | null;
}

/** What a fold changed since the last drain: state rows to save and detectors that threw. */
export interface FoldChanges {
  /** [step id, detector id, state as JSON]. */
  states: Array<[number, string, string]>;
  /** [detector id, error message]. */
  failed: Array<[string, string]>;
}

type PeerRow = Pick<SampleRow, 'id' | 'reward' | 'correct' | 'components' | 'length_tokens' | 'length_chars'>;

/** `threshold`: the run's success threshold when the fold began (src/shared/success.ts). */
function peerOf(r: PeerRow, threshold: number | null): PeerSample {
  return {
    id: r.id,
    reward: r.reward,
    success: sampleSuccess(r, threshold),
    length: r.length_tokens ?? r.length_chars,
    lengthIsTokens: r.length_tokens !== null,
  };
}

/** A sample's boxes and the size of the image they are on (null when not logged or not known). */
function boxesOf(r: Pick<SampleRow, 'images' | 'boxes'>): Pick<DetectorSample, 'boxes' | 'imageSize'> {
  if (!r.boxes) return { boxes: null, imageSize: null };
  const boxes = JSON.parse(r.boxes) as SampleBoxes;
  const image = r.images ? (JSON.parse(r.images) as ImageRef[])[boxes.image] : undefined;
  return { boxes, imageSize: image?.width && image.height ? [image.width, image.height] : null };
}

/** A sample's segments and its video's duration (null when not logged). */
function segmentsOf(r: Pick<SampleRow, 'video' | 'segments'>): Pick<DetectorSample, 'segments' | 'videoDuration'> {
  if (!r.segments) return { segments: null, videoDuration: null };
  const video = r.video ? (JSON.parse(r.video) as VideoRef) : null;
  const d = video?.duration;
  return { segments: JSON.parse(r.segments) as SampleSegments, videoDuration: typeof d === 'number' && d > 0 ? d : null };
}

function parseComponents(text: string | null): Record<string, number> | null {
  if (!text) return null;
  const v: unknown = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'number') out[k] = x;
  return out;
}

export class Folder {
  /** Per step, each feeding detector's state by its position in `feeding`, kept across batches. */
  private readonly states = new Map<number, unknown[]>();
  private readonly dirty = new Set<number>();
  private failed: Array<[string, string]> = [];
  private readonly feeding: StepDetector[];
  /** The earliest step per split that took a sample: judging starts there. */
  readonly from = new Map<Split, number>();
  samples = 0;
  private readonly select;
  private readonly loadState;
  private readonly earlier;
  private readonly threshold: number | null;

  constructor(
    db: SqliteDatabase,
    private readonly runId: number,
    detectors: readonly StepDetector[],
    /** Detectors off for the run: skipped; one that throws here joins them. */
    readonly disabled: Set<string>,
  ) {
    this.feeding = detectors.filter((d) => d.add && d.init);
    // Samples drive the join (CROSS JOIN keeps SQLite from starting at steps and sorting): a batch
    // is a walk up the rowid from the watermark.
    this.select = db.prepare(
      `SELECT s.id, s.group_id, g.step_id, st.split, st.step, s.reward, s.correct, s.length_tokens, s.length_chars,
              s.components, s.response, s.images, s.boxes, s.video, s.segments
         FROM samples s CROSS JOIN groups g ON g.id = s.group_id CROSS JOIN steps st ON st.id = g.step_id
        WHERE s.id > ? AND st.run_id = ? ORDER BY s.id LIMIT ?`,
    );
    this.loadState = db.prepare('SELECT state FROM alert_step_state WHERE step_id = ? AND detector = ?').pluck();
    this.earlier = db.prepare(
      'SELECT id, reward, correct, components, length_tokens, length_chars FROM samples WHERE group_id = ? AND id < ? ORDER BY id',
    );
    this.threshold = runSuccessRule(db, runId).threshold;
  }

  /** Folds the run's next samples after `upto`, at most `limit`; returns the last id, or null when there were none. */
  foldBatch(upto: number, limit: number): number | null {
    const rows = this.select.all(upto, this.runId, limit) as SampleRow[];
    if (rows.length === 0) return null;
    const wantPeers = this.feeding.some((d) => d.needsPeers && !this.disabled.has(d.id));
    // A group's earlier samples: those stored before this batch, then this batch's as they go by.
    const peers = new Map<number, PeerSample[]>();
    for (const r of rows) {
      const prev = this.from.get(r.split);
      if (prev === undefined || r.step < prev) this.from.set(r.split, r.step);
      let groupPeers = peers.get(r.group_id);
      if (!groupPeers) {
        groupPeers = wantPeers ? (this.earlier.all(r.group_id, rows[0]!.id) as PeerRow[]).map((p) => peerOf(p, this.threshold)) : [];
        peers.set(r.group_id, groupPeers);
      }
      const sts = this.stateOf(r.step_id);
      this.dirty.add(r.step_id);
      const peer = peerOf(r, this.threshold);
      const sample: DetectorSample = {
        ...peer,
        groupId: r.group_id,
        components: parseComponents(r.components),
        response: r.response,
        ...boxesOf(r),
        ...segmentsOf(r),
      };
      for (let k = 0; k < this.feeding.length; k++) {
        const d = this.feeding[k]!;
        if (this.disabled.has(d.id)) continue;
        try {
          d.add!(sts[k], sample, d.needsPeers ? groupPeers : []);
        } catch (e) {
          this.fail(d.id, e);
        }
      }
      groupPeers.push(peer);
    }
    this.samples += rows.length;
    return rows[rows.length - 1]!.id;
  }

  /** The state rows changed since the last drain (disabled detectors' left out), and the failures. */
  drain(): FoldChanges {
    const states: Array<[number, string, string]> = [];
    for (const stepId of this.dirty) {
      const sts = this.states.get(stepId)!;
      this.feeding.forEach((d, k) => {
        if (!this.disabled.has(d.id)) states.push([stepId, d.id, JSON.stringify(sts[k])]);
      });
    }
    this.dirty.clear();
    const failed = this.failed;
    this.failed = [];
    return { states, failed };
  }

  private stateOf(stepId: number): unknown[] {
    let sts = this.states.get(stepId);
    if (!sts) {
      sts = this.feeding.map((d) => {
        if (this.disabled.has(d.id)) return undefined;
        try {
          const stored = this.loadState.get(stepId, d.id) as string | undefined;
          return stored !== undefined ? (JSON.parse(stored) as unknown) : d.init!();
        } catch (e) {
          this.fail(d.id, e);
          return undefined;
        }
      });
      this.states.set(stepId, sts);
    }
    return sts;
  }

  private fail(id: string, e: unknown): void {
    this.disabled.add(id);
    this.failed.push([id, errorMessage(e)]);
  }
}
