// Which charts the dashboard draws, from one snapshot: the step statistics of the chosen split, the
// reward components (from the samples, else logged), the metric picks, and the GPU samples when the
// run supervisor sent them.
import {
  DIFFICULTY_BUCKETS,
  isComponentMeanKey,
  type DashboardSnapshot,
  type GpuSeriesView,
  type StepColumns,
} from '../../src/shared/protocol/webviews/dashboard';
import { seriesColor } from '../shared/theme';
import { judgingCharts } from './judgingCharts';
import { filterCharts } from './filterCharts';
import type { ChartSpec, Series } from '../shared/chart';

const DIFFICULTY_COLORS: Record<(typeof DIFFICULTY_BUCKETS)[number], string> = {
  extremely_hard: 'var(--vscode-charts-red)',
  hard: 'var(--vscode-charts-orange)',
  medium: 'var(--vscode-charts-yellow)',
  easy: 'var(--vscode-charts-blue)',
  extremely_easy: 'var(--vscode-charts-green)',
};

/** A logged series aligned to the step axis (missing steps become gaps). */
function aligned(steps: readonly number[], points: ReadonlyArray<[number, number | null]> | undefined): Array<number | null> {
  const at = new Map(points ?? []);
  return steps.map((s) => at.get(s) ?? null);
}

/**
 * One line per reward component: the means of the components the samples logged (the same samples
 * as the mean reward), then the trainer's logged `rewards/<name>/mean` series for the names the
 * samples did not log.
 */
function componentLines(snap: DashboardSnapshot, cols: StepColumns): Array<{ name: string; y: ReadonlyArray<number | null> }> {
  const fromSamples = Object.keys(cols.components).sort();
  const logged = Object.keys(snap.series)
    .filter(isComponentMeanKey)
    .sort()
    .map((k) => ({ name: k.slice('rewards/'.length, -'/mean'.length), key: k }))
    .filter((c) => !fromSamples.includes(c.name));
  return [
    ...fromSamples.map((name) => ({ name, y: cols.components[name] ?? [] })),
    ...logged.map((c) => ({ name: c.name, y: aligned(cols.step, snap.series[c.key]) })),
  ];
}

export function stepCharts(snap: DashboardSnapshot, cols: StepColumns): ChartSpec[] {
  const x = cols.step;
  const reward: Series[] = [
    // The band is the spread of the step's rewards (± one standard deviation), not an error bar of the mean.
    { name: 'mean reward', color: 'var(--vscode-foreground)', y: cols.reward_mean, band: cols.reward_std, bandName: 'std' },
    ...componentLines(snap, cols).map((c, i) => ({ name: c.name, color: seriesColor(i), y: c.y, dashed: true })),
  ];
  const unit = cols.length_unit;
  const passK = Object.keys(cols.pass_at_k);
  return [
    ...baseCharts(x, cols, reward, unit, passK),
    ...boxCharts(x, cols),
    ...segmentCharts(x, cols),
    ...judgingCharts(x, cols),
    ...filterCharts(x, cols),
  ];
}

/**
 * Grounding runs: box size against the target beside IoU and hit rate. GUI-G1 found that IoU-only
 * rewards grow boxes and hit-only rewards shrink them; the ratio rising while IoU stalls is that.
 */
function boxCharts(x: readonly number[], cols: StepColumns): ChartSpec[] {
  if (!cols.boxes) return [];
  return [
    {
      key: 'boxes',
      title: 'Boxes: predicted ÷ target area (right axis), IoU and hit rate',
      x,
      xKind: 'step',
      format: 'percent',
      rightFormat: 'number',
      series: [
        { name: 'IoU', color: 'var(--vscode-charts-blue)', y: cols.boxes.iou },
        { name: 'hit rate', color: 'var(--vscode-charts-green)', y: cols.boxes.hit },
        { name: 'area ÷ target', color: 'var(--vscode-charts-orange)', y: cols.boxes.area_ratio, axis: 'right', dashed: true },
      ],
    },
  ];
}

/**
 * Temporal-grounding runs: segment length against the target beside temporal IoU, the share of
 * answers that gave no segment and the share of hard-to-ground groups (all rewards low and equal: no
 * gradient). The ratio rising while tIoU stalls is segments widening (the segment_growth alert).
 */
function segmentCharts(x: readonly number[], cols: StepColumns): ChartSpec[] {
  if (!cols.segments) return [];
  return [
    {
      key: 'segments',
      title: 'Segments: predicted ÷ target length (right axis), temporal IoU and unparsable share',
      x,
      xKind: 'step',
      format: 'percent',
      rightFormat: 'number',
      series: [
        { name: 'temporal IoU', color: 'var(--vscode-charts-blue)', y: cols.segments.tiou },
        { name: 'unparsable', color: 'var(--vscode-charts-red)', y: cols.segments.unparsable },
        { name: 'hard-to-ground groups', color: 'var(--vscode-charts-purple)', y: cols.segments.hard_to_ground },
        { name: 'length ÷ target', color: 'var(--vscode-charts-orange)', y: cols.segments.length_ratio, axis: 'right', dashed: true },
      ],
    },
  ];
}

function baseCharts(x: readonly number[], cols: StepColumns, reward: Series[], unit: string, passK: string[]): ChartSpec[] {
  return [
    {
      key: 'reward',
      title: 'Reward (drag to filter the explorer, click a step for its groups)',
      x,
      xKind: 'step',
      series: reward,
      brush: true,
    },
    {
      key: 'length',
      title: `Response length (${unit})`,
      x,
      xKind: 'step',
      count: true,
      series: [
        { name: 'all', color: 'var(--vscode-foreground)', y: cols.mean_length },
        { name: 'correct', color: 'var(--vscode-charts-green)', y: cols.mean_length_correct },
        { name: 'wrong', color: 'var(--vscode-charts-red)', y: cols.mean_length_wrong },
        { name: 'stopped', color: 'var(--vscode-charts-blue)', y: cols.mean_length_stopped, dashed: true },
      ],
    },
    {
      key: 'clip',
      // SimpleRL-Zoo's "clip ratio" is the share of responses cut at the length limit, not PPO's clip range:
      // named for what it counts, as it sits beside the mismatch chart's clip range.
      title: 'Truncated share (responses cut at the length limit)',
      x,
      xKind: 'step',
      format: 'percent',
      series: [{ name: 'truncated', color: 'var(--vscode-charts-orange)', y: cols.clip_ratio }],
    },
    {
      key: 'egr',
      title: 'Effective-gradient ratio (samples in groups with mixed rewards)',
      x,
      xKind: 'step',
      format: 'percent',
      series: [{ name: 'effective-gradient ratio', color: 'var(--vscode-charts-purple)', y: cols.effective_gradient_ratio }],
    },
    {
      key: 'difficulty',
      title: 'Difficulty (share of groups by solve rate)',
      x,
      xKind: 'step',
      stacked: true,
      format: 'percent',
      series: DIFFICULTY_BUCKETS.map((b) => ({ name: b.replace('_', ' '), color: DIFFICULTY_COLORS[b], y: cols.difficulty[b] })),
    },
    {
      key: 'aha',
      title: 'Reflection (“aha”): share of responses and keywords per response',
      x,
      xKind: 'step',
      format: 'percent',
      rightFormat: 'number',
      series: [
        { name: 'share of responses', color: 'var(--vscode-charts-blue)', y: cols.reflection_share },
        { name: 'keywords per response', color: 'var(--vscode-charts-orange)', y: cols.reflection_mean, axis: 'right', dashed: true },
      ],
      empty: 'No reflection counts for this run.',
    },
    {
      key: 'passk',
      title: 'pass@k (unbiased, over groups with ≥ k samples)',
      x,
      xKind: 'step',
      format: 'percent',
      series: passK.map((k, i) => ({ name: `pass@${k}`, color: seriesColor(i), y: cols.pass_at_k[k] ?? [] })),
    },
  ];
}

export function pickedCharts(snap: DashboardSnapshot, picked: readonly string[]): ChartSpec[] {
  return picked.map((key) => {
    const pts = snap.series[key];
    return {
      key: `metric:${key}`,
      title: key,
      x: (pts ?? []).map((p) => p[0]),
      xKind: 'step',
      series: [{ name: key, color: 'var(--vscode-charts-blue)', y: (pts ?? []).map((p) => p[1]) }],
      empty: pts ? 'No values logged.' : 'Loading…',
    } satisfies ChartSpec;
  });
}

export function gpuCharts(gpus: readonly GpuSeriesView[]): ChartSpec[] {
  if (gpus.length === 0) return [];
  // One time axis for all GPUs: the first GPU's poll times (the supervisor polls them together).
  const x = (gpus[0] as GpuSeriesView).samples.map((s) => s[0]);
  const align = (g: GpuSeriesView, k: 1 | 2): Array<number | null> => {
    const at = new Map(g.samples.map((s) => [s[0], s[k]]));
    return x.map((t) => at.get(t) ?? null);
  };
  return [
    {
      key: 'gpu-util',
      title: 'GPU utilisation (%)',
      x,
      xKind: 'time',
      count: true,
      series: gpus.map((g, i) => ({ name: `GPU ${g.index} ${g.name}`, color: seriesColor(i), y: align(g, 1) })),
    },
    {
      key: 'gpu-mem',
      title: 'GPU memory used (MiB)',
      x,
      xKind: 'time',
      count: true,
      series: gpus.map((g, i) => ({
        name: `GPU ${g.index}${g.memory_total_mib ? ` of ${g.memory_total_mib}` : ''}`,
        color: seriesColor(i),
        y: align(g, 2),
      })),
    },
  ];
}
