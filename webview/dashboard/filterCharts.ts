// Dashboard chart of what the trainer filtered out (docs/webviews.md#filtered-out-by-the-trainer):
// per step, the share of the samples it did not train on (prime-rl: in all/, not in effective/)
// among those whose trained-on batch is known, and how many those are. A rising share means
// fewer rollouts carry gradient: zero-advantage groups, errors, staleness.
import type { StepColumns } from '../../src/shared/protocol/webviews/dashboard';
import type { ChartSpec } from '../shared/chart';

export function filterCharts(x: readonly number[], cols: StepColumns): ChartSpec[] {
  const f = cols.trainer_filter;
  if (!f) return [];
  return [
    {
      key: 'trainer-filtered',
      title: 'Filtered out by the trainer: share of the step’s samples not trained on (steps whose batch is known)',
      x,
      xKind: 'step',
      format: 'percent',
      rightFormat: 'number',
      series: [
        { name: 'filtered out', color: 'var(--vscode-charts-red)', y: f.filtered_ratio },
        { name: 'samples known', color: 'var(--vscode-charts-blue)', y: f.known, axis: 'right', dashed: true },
      ],
    },
  ];
}
