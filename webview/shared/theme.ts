// Colours come only from the --vscode-* theme variables (light, dark and high contrast alike);
// derived shades use color-mix() so a theme switch restyles everything without a re-render.

/** Series colours for charts, in the order lines are drawn. */
export const SERIES_COLORS = [
  'var(--vscode-charts-blue)',
  'var(--vscode-charts-orange)',
  'var(--vscode-charts-purple)',
  'var(--vscode-charts-green)',
  'var(--vscode-charts-red)',
  'var(--vscode-charts-yellow)',
  'var(--vscode-foreground)',
] as const;

export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length] as string;
}

/**
 * A diverging colour for x in [−1, 1]: red below the centre, green above, faded into the editor
 * background near 0 so "about the group mean" reads as neutral.
 */
export function diverging(x: number): string {
  if (!Number.isFinite(x)) return 'var(--vscode-disabledForeground)';
  const t = Math.min(1, Math.abs(x));
  const pct = Math.round(15 + 80 * t);
  const hue = x >= 0 ? 'var(--vscode-charts-green)' : 'var(--vscode-charts-red)';
  return `color-mix(in srgb, ${hue} ${pct}%, var(--vscode-editor-background))`;
}
