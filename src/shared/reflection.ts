// Reflection ("aha moment") keyword counting: which keyword lists and matching modes exist, stated
// once. The keyword lists themselves are in src/core/analysis/reflection.ts (a table with exactly
// these ids); the engine's settings schema and the extension's settings take the ids from here, and
// scripts/check-manifest.mjs fails when package.json's `rolloutLens.reflection.preset` / `.mode`
// choices or defaults differ. Provenance of each list: docs/algorithms.md#reflection.
export const REFLECTION_PRESET_IDS = [
  'simplerl',
  'oat-zero-qwen',
  'oat-zero-deepseek',
  'oat-zero-llama',
  'understand-r1-zero',
  'deepseek-r1',
] as const;
export type ReflectionPresetId = (typeof REFLECTION_PRESET_IDS)[number];
export const DEFAULT_REFLECTION_PRESET: ReflectionPresetId = 'simplerl';

/**
 * `word` (default): whole words / phrases, case-insensitive, any whitespace inside a phrase.
 * `substring`: SimpleRL's count — Σ_k lower(text).count(k), raw and non-overlapping per keyword,
 * so "awaiting" counts as "wait".
 */
export const REFLECTION_MODES = ['word', 'substring'] as const;
export type ReflectionMode = (typeof REFLECTION_MODES)[number];
export const DEFAULT_REFLECTION_MODE: ReflectionMode = 'word';
