// Reward-hacking alerts: listing brings a run's alerts up to date first (cheap: only what changed
// since the last pass), with the thresholds from the host's settings.
import { refreshRunAlerts, resolveThresholds, type AlertOptions } from '../../core/alerts/update';
import type { HardToGroundThresholds } from '../../core/store/hardToGround';
import { listAlerts } from '../../core/alerts/alertList';
import { EngineMethods, type AlertSettings } from '../../shared/protocol/engine';
import type { AlertThresholds } from '../../shared/alerts';
import { handlersOf, type EngineContext } from '../context';

/** Ingest's alert options from the settings: false when alerts are switched off. */
export function alertOptions(engine: EngineContext): AlertOptions | false {
  const { enabled, ...thresholds }: AlertSettings = engine.settings.alerts ?? {};
  if (enabled === false) return false;
  const t: Partial<AlertThresholds> = thresholds;
  return { thresholds: t, onDetectorError: (m) => engine.log('warn', m) };
}

/** Which groups are hard to ground, from the host's alert settings (absent: the defaults). */
export function hardToGroundThresholds(engine: EngineContext): HardToGroundThresholds {
  const { enabled: _enabled, ...given }: AlertSettings = engine.settings.alerts ?? {};
  const t = resolveThresholds(given);
  return { reward: t.hardToGroundReward, spread: t.hardToGroundSpread };
}

/** Brings a run's alerts up to date with the host's thresholds; a failure is logged (alerts are advice). */
export function refreshAlerts(engine: EngineContext, run: string): Promise<void> {
  return refreshRunAlerts(engine.requireStore(), run, alertOptions(engine), (m) => engine.log('warn', m));
}

export function alertHandlers(engine: EngineContext) {
  return handlersOf(EngineMethods)({
    listAlerts: async (p) => {
      const store = engine.requireStore();
      const runId = store.requireRun(p.run).id;
      await refreshAlerts(engine, p.run);
      return listAlerts(store, runId, {
        ...(p.split ? { split: p.split } : {}),
        ...(p.step !== undefined ? { step: p.step } : {}),
      });
    },
  });
}
