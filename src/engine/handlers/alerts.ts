// Reward-hacking alerts: listing brings a run's alerts up to date first (cheap: only what changed
// since the last pass), with the thresholds from the host's settings.
import { updateAlerts, type AlertOptions } from '../../core/alerts/alertPass';
import { listAlerts } from '../../core/alerts/alertList';
import { errorMessage } from '../../shared/errors';
import { EngineMethods, type AlertSettings } from '../../shared/protocol/engine';
import type { AlertThresholds } from '../../shared/alerts';
import type { EngineServer } from '../server';

/** Ingest's alert options from the settings: false when alerts are switched off. */
export function alertOptions(server: EngineServer): AlertOptions | false {
  const { enabled, ...thresholds }: AlertSettings = server.settings.alerts ?? {};
  if (enabled === false) return false;
  const t: Partial<AlertThresholds> = thresholds;
  return { thresholds: t, onDetectorError: (m) => server.log('warn', m) };
}

/** Brings a run's alerts up to date; a failure is logged, never thrown (alerts are advice). */
export function refreshAlerts(server: EngineServer, run: string): void {
  const opts = alertOptions(server);
  if (opts === false) return;
  try {
    const store = server.requireStore();
    updateAlerts(store, store.requireRun(run).id, opts);
  } catch (e) {
    server.log('warn', `alerts of run ${run} not updated: ${errorMessage(e)}`);
  }
}

export function registerAlertHandlers(server: EngineServer): void {
  server.on(EngineMethods.listAlerts, (p) => {
    const store = server.requireStore();
    const runId = store.requireRun(p.run).id;
    refreshAlerts(server, p.run);
    return listAlerts(store, runId, { ...(p.split ? { split: p.split } : {}), ...(p.step !== undefined ? { step: p.step } : {}) });
  });
}
