// The dashboard's token mismatch chart: per train step, the mean and p99 of |Δ logprob| (train −
// inference) and, on the right axis, the share of tokens whose ratio exp(Δ) is outside the clip range.
import type { DashboardSnapshot, StepColumns } from '../../src/shared/protocol/webviews/dashboard';
import type { ChartSpec } from '../shared/chart';
import { fmt } from '../shared/format';

/** Only beside the train split's charts (the mismatch is computed over train steps). */
export function mismatchCharts(snap: DashboardSnapshot, cols: StepColumns): ChartSpec[] {
  const m = snap.mismatch;
  if (!m || m.length === 0 || cols !== snap.train) return [];
  const eps = snap.clip_epsilon ?? 0.2;
  return [
    {
      key: 'mismatch',
      title: `Train vs inference logprob mismatch (|Δ|; share outside [${fmt(1 - eps)}, ${fmt(1 + eps)}])`,
      x: m.map((r) => r.step),
      xKind: 'step',
      rightFormat: 'percent',
      series: [
        { name: 'mean |Δ|', color: 'var(--vscode-charts-blue)', y: m.map((r) => r.mean_abs_delta) },
        { name: 'p99 |Δ|', color: 'var(--vscode-charts-red)', y: m.map((r) => r.p99_abs_delta), dashed: true },
        { name: 'outside clip', color: 'var(--vscode-charts-orange)', y: m.map((r) => r.outside_clip), axis: 'right' },
      ],
    },
  ];
}
