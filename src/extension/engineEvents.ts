// The engine's notifications, subscribed once and fanned out to what shows them: a run's data
// changed (explorer, open views) and a run's status changed (status bar, run log documents, the
// dashboard's live sections, explorer). A launch command's answer goes the same way.
import { EngineNotifications } from '../shared/protocol/engine';
import { RunNotifications } from '../shared/protocol/runs';
import type { RunStatus } from '../shared/runs';
import type { Disposable, EngineClient } from './engineClient';

/** How long the explorer waits for more changes before it re-reads (a live ingest reports often). */
export const EXPLORER_REFRESH_DELAY_MS = 750;

export interface EngineEventSinks {
  explorer: { refresh(node: undefined, delayMs: number): void };
  statusBar: { update(s: RunStatus): void };
  runLogs: { touched(run: string): void };
  webviews: { refresh(run?: string): void; runStatus(s: RunStatus): void };
}

export class EngineEvents implements Disposable {
  private readonly subscriptions: Disposable[];

  constructor(
    engine: Pick<EngineClient, 'onNotification'>,
    private readonly sinks: EngineEventSinks,
  ) {
    this.subscriptions = [
      engine.onNotification(EngineNotifications.runsChanged, ({ run }) => {
        sinks.explorer.refresh(undefined, EXPLORER_REFRESH_DELAY_MS);
        sinks.webviews.refresh(run);
      }),
      engine.onNotification(RunNotifications.runStatus, (s) => this.runStatus(s)),
    ];
  }

  /** A run's status, from the engine or from a command's answer (launch, stop). */
  runStatus(s: RunStatus): void {
    this.sinks.statusBar.update(s);
    this.sinks.runLogs.touched(s.run);
    this.sinks.webviews.runStatus(s);
    this.sinks.explorer.refresh(undefined, EXPLORER_REFRESH_DELAY_MS);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
