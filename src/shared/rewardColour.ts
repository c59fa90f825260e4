// The colour a predicted box (or a sample) gets from its reward, shared by `rollout-lens render` and
// the group view so both draw the same boxes alike. Pure, no dependencies: webviews import it.

export type Rgb = [number, number, number];

export const REWARD_RED: Rgb = [215, 48, 39];
export const REWARD_AMBER: Rgb = [255, 191, 0];
export const REWARD_GREEN: Rgb = [26, 152, 80];
/** A sample without a reward. */
export const REWARD_NONE: Rgb = [150, 150, 150];
/** Target (ground-truth) boxes: white, drawn dashed with a black outline. */
export const TARGET_RGB: Rgb = [255, 255, 255];
export const OUTLINE_RGB: Rgb = [0, 0, 0];

/**
 * Red at the group's lowest reward, amber half-way, green at its highest (linear in RGB between
 * them). When every reward is equal there is no ranking to show, so all are amber.
 */
export function rewardColour(reward: number | null, min: number, max: number): Rgb {
  if (reward === null || !Number.isFinite(reward)) return [...REWARD_NONE];
  const t = max > min ? Math.min(1, Math.max(0, (reward - min) / (max - min))) : 0.5;
  const [from, to, u] = t < 0.5 ? [REWARD_RED, REWARD_AMBER, t * 2] : [REWARD_AMBER, REWARD_GREEN, t * 2 - 1];
  return [0, 1, 2].map((i) => Math.round(from[i]! + (to[i]! - from[i]!) * u)) as Rgb;
}

/** `#rrggbb`, for CSS and SVG. */
export function rgbHex(rgb: Rgb): string {
  return '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
}
