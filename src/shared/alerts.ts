// Reward-hacking alerts: their kinds, thresholds (settings `rolloutLens.alerts.*`, CLI flags) and
// what the engine and CLI return. Definitions of each detector: docs/algorithms.md "Reward-hacking alerts".
import type { Split } from './rollout';

export const ALERT_KINDS = [
  'length_exploitation',
  'format_gaming',
  'verifier_disagreement',
  'box_growth',
  'segment_growth',
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
  segment_growth: 'Segment-length growth',
  degenerate_output: 'Degenerate output',
  saturation: 'Saturation',
};

/** A threshold's default and the values it may take. */
export interface AlertThresholdDef {
  readonly default: number;
  /** Least value (inclusive). */
  readonly min: number;
  /** Greatest value (inclusive); none when absent. */
  readonly max?: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
}

/**
 * Every alert threshold, stated once. The engine's settings schema (src/shared/protocol/engine.ts),
 * the extension's config reader (thresholdsFromSettings below) and the CLI's `--threshold` names are
 * derived from it, and scripts/check-manifest.mjs fails when package.json's `rolloutLens.alerts.*`
 * settings (names, types, defaults, bounds) differ from it.
 */
export const ALERT_THRESHOLD_DEFS = {
  /** Steps in the trend window (the window ends at the step being judged). */
  window: { default: 8, min: 2, max: 1000, integer: true },
  /** Length exploitation: least rise of the mean reward over the window (absolute). */
  lengthRewardRise: { default: 0.05, min: 0 },
  /** Length exploitation: least rise of the mean length over the window, relative to its window mean. */
  lengthRise: { default: 0.2, min: 0 },
  /** Length exploitation: least share of same-correctness pairs in which the longer response won. */
  lengthWinRate: { default: 0.7, min: 0 },
  /** Format gaming: least rise of the mean format component over the window (absolute). */
  formatRise: { default: 0.2, min: 0 },
  /** Format gaming: the accuracy counts as flat when its change over the window stays within this. */
  formatAccuracyFlat: { default: 0.05, min: 0 },
  /** Verifier disagreement: least share of samples whose re-score verdict differs from the logged one. */
  disagreement: { default: 0.2, min: 0 },
  /** Verifier disagreement: least rise of that share over the set's window. */
  disagreementGrowth: { default: 0.1, min: 0 },
  /** Box-size growth: least rise of the mean predicted box area, relative to its window mean. */
  boxAreaRise: { default: 0.25, min: 0 },
  /** Box-size growth: least rise of the hit rate over the window (absolute). */
  boxHitRise: { default: 0.05, min: 0 },
  /** Segment-length growth: least rise of the mean predicted segment length, relative to its window mean. */
  segmentLengthRise: { default: 0.25, min: 0 },
  /** Segment-length growth: least rise of the share of predicted segments that overlap the target (absolute). */
  segmentOverlapRise: { default: 0.05, min: 0 },
  /**
   * Hard-to-ground groups (dashboard, explorer filter; not an alert): every reward below this. Stored
   * state never depends on it, so changing it re-judges nothing but the stored alerts' key.
   */
  hardToGroundReward: { default: 0.3, min: 0 },
  /** Hard-to-ground groups: the spread of the group's rewards (max − min) below this. */
  hardToGroundSpread: { default: 0.05, min: 0 },
  /** Degenerate output: least share of a step's responses that are degenerate. */
  degenerateShare: { default: 0.1, min: 0 },
  /** Saturation: least rise of the all-correct group share over the window (absolute). */
  saturationAllCorrectRise: { default: 0.2, min: 0 },
  /** Saturation: the effective-gradient ratio must be below this. */
  saturationEffectiveMax: { default: 0.3, min: 0 },
} as const satisfies Record<string, AlertThresholdDef>;

export type AlertThresholdName = keyof typeof ALERT_THRESHOLD_DEFS;
/** One value per threshold (meanings: ALERT_THRESHOLD_DEFS). */
export type AlertThresholds = { -readonly [K in AlertThresholdName]: number };

// Object.keys and Object.fromEntries type their keys as string; these are the definitions' own keys.
export const ALERT_THRESHOLD_NAMES = Object.keys(ALERT_THRESHOLD_DEFS) as AlertThresholdName[];

export function isAlertThresholdName(name: string): name is AlertThresholdName {
  return Object.prototype.hasOwnProperty.call(ALERT_THRESHOLD_DEFS, name);
}

/** One value per threshold, made from its definition. */
export function mapThresholds<T>(f: (def: AlertThresholdDef, name: AlertThresholdName) => T): Record<AlertThresholdName, T> {
  const entries = ALERT_THRESHOLD_NAMES.map((name) => [name, f(ALERT_THRESHOLD_DEFS[name], name)]);
  return Object.fromEntries(entries) as Record<AlertThresholdName, T>;
}

export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze(mapThresholds((d) => d.default));

/** Whether alerts are detected unless the settings say otherwise (`rolloutLens.alerts.enabled`). */
export const DEFAULT_ALERTS_ENABLED = true;

/**
 * The thresholds from settings that may hold anything (`rolloutLens.alerts.<name>`, read by
 * `read`): a value that is not a number ≥ 0 falls back to its default; whole-number thresholds are
 * rounded; every value is held within its bounds.
 */
export function thresholdsFromSettings(read: (name: AlertThresholdName) => unknown): AlertThresholds {
  return mapThresholds((d, name) => {
    const v = read(name);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return d.default;
    const n = d.integer ? Math.round(v) : v;
    return Math.min(d.max ?? Infinity, Math.max(d.min, n));
  });
}

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
