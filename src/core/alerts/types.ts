// The shape every alert detector has: per-step state folded from new samples as they are ingested,
// and a judgement of a window of steps that ends at the step being judged.
import type { AlertKind, AlertThresholds } from '../../shared/alerts';
import type { SampleBoxes, SampleSegments } from '../../shared/media';
import type { Split } from '../../shared/rollout';

/** A newly ingested sample, as detectors see it. */
export interface DetectorSample {
  id: number;
  groupId: number;
  reward: number;
  /** Solved under the run's success rule (src/shared/success.ts). */
  success: boolean;
  /** Tokens when logged, else characters (within a group both samples use the same unit). */
  length: number;
  lengthIsTokens: boolean;
  components: Record<string, number> | null;
  response: string;
  /** A grounding sample's boxes (null: none logged). */
  boxes: SampleBoxes | null;
  /** The original [width, height] of the image its boxes are on, when known. */
  imageSize: [number, number] | null;
  /** A temporal-grounding sample's segments (null: none logged). */
  segments: SampleSegments | null;
  /** Its video's length in seconds, when logged. */
  videoDuration: number | null;
}

/** An earlier sample of the same group (small columns only: no response text). */
export type PeerSample = Omit<DetectorSample, 'response' | 'components' | 'groupId' | 'boxes' | 'imageSize' | 'segments' | 'videoDuration'>;

/** One step of the window, with the stored step statistics and this detector's state. */
export interface WindowStep<S> {
  stepId: number;
  split: Split;
  step: number;
  samples: number;
  rewardMean: number | null;
  meanLength: number | null;
  allCorrectRatio: number | null;
  effectiveGradientRatio: number | null;
  state: S | undefined;
}

/** What a detector found at the last step of a window. */
export interface Finding {
  score: number;
  message: string;
  samples: number[];
}

export interface EvalContext {
  /** Ids of samples in the step's groups whose samples are all correct, at most `limit`. */
  allCorrectSamples(stepId: number, limit: number): number[];
}

export interface StepDetector<S = unknown> {
  kind: AlertKind;
  /** Names its state rows and its entry among disabled detectors. */
  id: string;
  /** Trend detectors alert once per streak, at its first step; the others at every step that qualifies. */
  onset: boolean;
  /** True when `add` needs the earlier samples of the sample's group. */
  needsPeers?: boolean;
  init?(): S;
  add?(state: S, sample: DetectorSample, peers: readonly PeerSample[]): void;
  evaluate(window: readonly WindowStep<S>[], t: AlertThresholds, ctx: EvalContext): Finding | null;
}

/** What one alert pass did: samples folded, the first step judged per split, detectors disabled. */
export interface AlertPassReport {
  samples: number;
  judgedFrom: Partial<Record<Split, number>>;
  disabled: string[];
  /** When a fold worker ran beside the ingest: its fold was saved, discarded (another pass folded first), or it failed. */
  worker?: 'absorbed' | 'discarded' | `failed: ${string}`;
}

/** Sample-id lists kept in state stay short: an alert links to examples, not to every sample. */
export const MAX_IDS = 20;

export function pushId(ids: number[], id: number, max = MAX_IDS): void {
  if (ids.length < max && !ids.includes(id)) ids.push(id);
}
