// Reward-hacking alerts: their kinds, thresholds (settings `rolloutLens.alerts.*`, CLI flags) and
// what the engine and CLI return. Definitions of each detector: docs/algorithms.md "Reward-hacking alerts".
import type { Split } from './rollout';

export const ALERT_KINDS = [
  'length_exploitation',
  'format_gaming',
  'verifier_disagreement',
  'box_growth',
  'degenerate_output',
  'saturation',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What each kind is called in the explorer and the dashboard. */
export const ALERT_TITLES: Record<AlertKind, string> = {
  length_exploitation: 'Length exploitation',
  format_gaming: 'Format gaming',
  verifier_disagreement: 'Verifier disagreement',
  box_growth: 'Box-size growth',
  degenerate_output: 'Degenerate output',
  saturation: 'Saturation',
};

export interface AlertThresholds {
  /** Steps in the trend window (the window ends at the step being judged). */
  window: number;
  /** Length exploitation: least rise of the mean reward over the window (absolute). */
  lengthRewardRise: number;
  /** Length exploitation: least rise of the mean length over the window, relative to its window mean. */
  lengthRise: number;
  /** Length exploitation: least share of same-correctness pairs in which the longer response won. */
  lengthWinRate: number;
  /** Format gaming: least rise of the mean format component over the window (absolute). */
  formatRise: number;
  /** Format gaming: the accuracy counts as flat when its change over the window stays within this. */
  formatAccuracyFlat: number;
  /** Verifier disagreement: least share of samples whose re-score verdict differs from the logged one. */
  disagreement: number;
  /** Verifier disagreement: least rise of that share over the set's window. */
  disagreementGrowth: number;
  /** Box-size growth: least rise of the mean predicted box area, relative to its window mean. */
  boxAreaRise: number;
  /** Box-size growth: least rise of the hit rate over the window (absolute). */
  boxHitRise: number;
  /** Degenerate output: least share of a step's responses that are degenerate. */
  degenerateShare: number;
  /** Saturation: least rise of the all-correct group share over the window (absolute). */
  saturationAllCorrectRise: number;
  /** Saturation: the effective-gradient ratio must be below this. */
  saturationEffectiveMax: number;
}

export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze({
  window: 8,
  lengthRewardRise: 0.05,
  lengthRise: 0.2,
  lengthWinRate: 0.7,
  formatRise: 0.2,
  formatAccuracyFlat: 0.05,
  disagreement: 0.2,
  disagreementGrowth: 0.1,
  boxAreaRise: 0.25,
  boxHitRise: 0.05,
  degenerateShare: 0.1,
  saturationAllCorrectRise: 0.2,
  saturationEffectiveMax: 0.3,
});

export const ALERT_THRESHOLD_NAMES = Object.keys(DEFAULT_ALERT_THRESHOLDS) as Array<keyof AlertThresholds>;

/** One alert as the CLI prints it (`rollout-lens alerts --json`). */
export interface AlertJson {
  kind: AlertKind;
  step: number;
  score: number;
  /** Database ids of the samples behind the alert. */
  samples: number[];
  message: string;
}

/** A sample behind an alert, addressable like any other (to open it). */
export interface AlertSampleRef {
  id: number;
  split: Split;
  step: number;
  group: string;
  index: number;
}

/** One alert as the engine returns it. */
export interface AlertDto extends AlertJson {
  split: Split;
  /** The first samples behind it, with their addresses (at most 20). */
  refs: AlertSampleRef[];
}

/** A detector that threw and is off for the run (until the run is re-ingested into a fresh database). */
export interface DisabledDetector {
  detector: string;
  error: string;
}

export interface AlertList {
  alerts: AlertDto[];
  disabled: DisabledDetector[];
}
