// The one colour a reward gets wherever samples are drawn over an image (the group view's boxes and
// `rollout-lens render`): the group's reward range mapped onto red (lowest) → amber (middle) → green
// (highest). Fixed colours, not theme variables, because they are drawn over image pixels, not the
// editor background, and must look the same in every theme. No dependencies: webviews import this file.

export type Rgb = [number, number, number];

export const REWARD_RED: Readonly<Rgb> = [220, 38, 38];
export const REWARD_AMBER: Readonly<Rgb> = [245, 158, 11];
export const REWARD_GREEN: Readonly<Rgb> = [22, 163, 74];
/** A reward that is not a finite number: no place on the scale. */
export const REWARD_NONE: Readonly<Rgb> = [128, 128, 128];
/** Target (ground-truth) boxes: white, drawn dashed with a black outline. */
export const TARGET_RGB: Readonly<Rgb> = [255, 255, 255];
export const OUTLINE_RGB: Readonly<Rgb> = [0, 0, 0];

const css = (c: Readonly<Rgb>): string => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

function mix(a: Readonly<Rgb>, b: Readonly<Rgb>, t: number): Rgb {
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
}

/**
 * [r, g, b] for `reward` on the range [min, max]: min is red, the midpoint amber, max green, linear
 * in between and clamped outside. A group whose rewards are all equal has no better or worse
 * sample, so every reward in it is amber; a missing reward is grey.
 */
export function rewardRgb(reward: number | null, min: number, max: number): Rgb {
  if (reward === null || !Number.isFinite(reward)) return [...REWARD_NONE];
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min)) return [...REWARD_AMBER];
  const t = Math.min(1, Math.max(0, (reward - min) / (max - min)));
  return t <= 0.5 ? mix(REWARD_RED, REWARD_AMBER, t * 2) : mix(REWARD_AMBER, REWARD_GREEN, (t - 0.5) * 2);
}

/** `rgb(r, g, b)` of rewardRgb, for CSS. */
export function rewardColour(reward: number | null, min: number, max: number): string {
  return css(rewardRgb(reward, min, max));
}

/** The scale's stops as CSS colours, lowest first (legends draw a gradient through them). */
export const REWARD_SCALE: readonly string[] = [css(REWARD_RED), css(REWARD_AMBER), css(REWARD_GREEN)];

/** `#rrggbb`, for CSS and SVG. */
export function rgbHex(rgb: Readonly<Rgb>): string {
  return '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
}
