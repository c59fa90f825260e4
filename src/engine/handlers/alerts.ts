// Reward-hacking alerts: listing brings a run's alerts up to date first (cheap: only what changed
// since the last pass), with the thresholds from the host's settings.
import { updateAlertsAsync, type AlertOptions } from '../../core/alerts/update';
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

const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Brings a run's alerts up to date, yielding between batches (a database from before alerts existed
 * has every sample still to fold); a failure is logged, never thrown (alerts are advice).
 */
export async function refreshAlerts(server: EngineServer, run: string): Promise<void> {
  const opts = alertOptions(server);
  if (opts === false) return;
  try {
    const store = server.requireStore();
    await updateAlertsAsync(store, store.requireRun(run).id, { ...opts, breathe });
  } catch (e) {
    server.log('warn', `alerts of run ${run} not updated: ${errorMessage(e)}`);
  }
}

export function registerAlertHandlers(server: EngineServer): void {
  server.on(EngineMethods.listAlerts, async (p) => {
    const store = server.requireStore();
    const runId = store.requireRun(p.run).id;
    await refreshAlerts(server, p.run);
    return listAlerts(store, runId, { ...(p.split ? { split: p.split } : {}), ...(p.step !== undefined ? { step: p.step } : {}) });
  });
}
