// The status bar item of the active run: step / total, mean reward of its last step, GPU use.
// Click: the run's dashboard.
import * as vscode from 'vscode';
import { EngineMethods } from '../../shared/protocol/engine';
import type { RunStatus } from '../../shared/runs';
import { isFinalState } from '../../shared/runs';
import type { EngineClient } from '../engineClient';
import { fmt } from '../../shared/format';

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rolloutLens.activeRun', vscode.StatusBarAlignment.Left, 50);
  private readonly runs = new Map<string, RunStatus>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly engine: EngineClient) {
    this.item.name = 'Rollout Lens: active run';
  }

  dispose(): void {
    this.item.dispose();
    if (this.timer) clearTimeout(this.timer);
  }

  update(s: RunStatus): void {
    this.runs.set(s.run, s);
    if (!this.timer) this.timer = setTimeout(() => void this.render(), 500);
  }

  /** The run to show: a live one, else the one that ended last (for a while). */
  private pick(): RunStatus | undefined {
    const all = [...this.runs.values()];
    const live = all.filter((r) => !isFinalState(r.state)).sort((a, b) => b.startedAt - a.startedAt);
    if (live[0]) return live[0];
    return all.filter((r) => r.endedAt && Date.now() - r.endedAt < 10 * 60_000).sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0))[0];
  }

  private async render(): Promise<void> {
    this.timer = undefined;
    const s = this.pick();
    if (!s) {
      this.item.hide();
      return;
    }
    let reward = '';
    if (s.lastStep !== null) {
      const rows = await this.engine.request(EngineMethods.stepStats, { run: s.run, step: s.lastStep }).catch(() => []);
      const train = rows.find((r) => r.split === 'train');
      if (train) reward = ` · R̄ ${fmt(train.reward_mean)}`;
    }
    const icon = isFinalState(s.state) ? (s.state === 'succeeded' ? '$(pass)' : '$(error)') : '$(sync~spin)';
    const step = s.lastStep === null ? s.state : `step ${s.lastStep}${s.totalSteps ? `/${s.totalSteps}` : ''}`;
    const gpu = s.gpu?.available && s.gpu.utilization !== null ? ` · GPU ${fmt(s.gpu.utilization, 0)}%` : '';
    this.item.text = `${icon} ${s.run} · ${step}${reward}${gpu}`;
    this.item.tooltip =
      `Rollout Lens: ${s.run} (${s.backend}, ${s.state})${s.etaSeconds ? `, about ${Math.round(s.etaSeconds)} s left` : ''}` +
      `${s.gpu && !s.gpu.available ? ` — ${s.gpu.reason}` : ''}\nClick for the run dashboard.`;
    this.item.command = { command: 'rolloutLens.openRunDashboard', title: 'Open Run Dashboard', arguments: [s.run] };
    this.item.show();
  }
}
