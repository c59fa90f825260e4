// Dashboard charts for rewards without a verifier (docs/webviews.md#judges-and-reward-models):
// BRPO's dropped share, mean preference and mean |skew|; each pair of reward models' correlation
// (one that stops agreeing with the others is a hacking signal); p(reference) with its share of 0;
// and the zero-accuracy prompts each Cog-Rethinker stage rescued.
import type { StepColumns } from '../../src/shared/protocol/webviews/dashboard';
import type { ChartSpec } from '../shared/chart';
import { seriesColor } from '../shared/theme';

export function judgingCharts(x: readonly number[], cols: StepColumns): ChartSpec[] {
  const j = cols.judging;
  const charts: ChartSpec[] = [];
  if (j.brpo) {
    charts.push({
      key: 'brpo',
      title: 'BRPO: dropped groups (|ΣA|/G > 0.6), mean preference over the reference, mean |skew|',
      x,
      xKind: 'step',
      format: 'percent',
      rightFormat: 'number',
      series: [
        { name: 'dropped groups', color: 'var(--vscode-charts-red)', y: j.brpo.dropped },
        { name: 'beat the reference', color: 'var(--vscode-charts-green)', y: j.brpo.preference },
        { name: 'mean |skew|', color: 'var(--vscode-charts-orange)', y: j.brpo.skew, axis: 'right', dashed: true },
      ],
    });
  }
  if (j.agreement) {
    charts.push({
      key: 'rm-agreement',
      title: 'Reward models: correlation of each pair over the step’s samples',
      x,
      xKind: 'step',
      series: Object.entries(j.agreement).map(([pair, y], i) => ({ name: pair.replace('~', ' ~ '), color: seriesColor(i), y })),
    });
  }
  if (j.p_reference) {
    charts.push({
      key: 'p-reference',
      title: 'p(reference answer): mean, and share with p = 0 (no answer part, or truncated)',
      x,
      xKind: 'step',
      format: 'percent',
      series: [
        { name: 'mean p', color: 'var(--vscode-charts-blue)', y: j.p_reference.mean },
        { name: 'p = 0', color: 'var(--vscode-charts-red)', y: j.p_reference.zero },
      ],
    });
  }
  if (j.rescued) {
    charts.push({
      key: 'rescued',
      title: 'Zero-accuracy prompts (direct rollouts all wrong) and how many each stage rescued',
      x,
      xKind: 'step',
      count: true,
      series: [
        { name: 'zero accuracy', color: 'var(--vscode-charts-red)', y: j.rescued.zero_accuracy },
        { name: 'rescued by decompose', color: 'var(--vscode-charts-green)', y: j.rescued.decompose },
        { name: 'rescued by reflect', color: 'var(--vscode-charts-purple)', y: j.rescued.reflect },
      ],
    });
  }
  return charts;
}
