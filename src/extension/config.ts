// One typed accessor over the extension's settings (package.json contributes.configuration).
import * as vscode from 'vscode';
import { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from '../shared/alerts';
import type { EngineSettings } from '../shared/protocol/engine';

export interface LensConfig {
  databasePath: string;
  engineNodePath: string;
  tokenizerPath: string;
  reflectionPreset: NonNullable<NonNullable<EngineSettings['reflection']>['preset']>;
  reflectionMode: 'word' | 'substring';
  reflectionKeywords: string[];
  advantageEstimator: 'grpo' | 'drgrpo' | 'rloo' | 'tempo';
  /** ε of the token mismatch's clip range [1 − ε, 1 + ε]. */
  clipEpsilon: number;
  /** Text search and the explorer's text filter also match in tool / environment / user turns. */
  searchIncludeAllTurns: boolean;
  gpuPollIntervalMs: number;
  verifierUrl: string;
  verifierModel: string;
  alertsEnabled: boolean;
  alertThresholds: AlertThresholds;
}

/** Settings that only take effect when the engine restarts (they say so in their descriptions). */
export const RESTART_SETTINGS = ['rolloutLens.databasePath', 'rolloutLens.engineNodePath'] as const;

export function readConfig(): LensConfig {
  const c = vscode.workspace.getConfiguration('rolloutLens');
  return {
    databasePath: c.get<string>('databasePath', ''),
    engineNodePath: c.get<string>('engineNodePath', ''),
    tokenizerPath: c.get<string>('tokenizerPath', ''),
    reflectionPreset: c.get<LensConfig['reflectionPreset']>('reflection.preset', 'simplerl'),
    reflectionMode: c.get<'word' | 'substring'>('reflection.mode', 'word'),
    reflectionKeywords: c.get<string[]>('reflection.keywords', []),
    advantageEstimator: c.get<LensConfig['advantageEstimator']>('advantageEstimator', 'grpo'),
    clipEpsilon: c.get<number>('tokens.clipEpsilon', 0.2),
    searchIncludeAllTurns: c.get<boolean>('search.includeAllTurns', false) === true,
    gpuPollIntervalMs: c.get<number>('gpuPollIntervalMs', 2000),
    verifierUrl: c.get<string>('verifier.url', ''),
    verifierModel: c.get<string>('verifier.model', ''),
    alertsEnabled: c.get<boolean>('alerts.enabled', true),
    alertThresholds: alertThresholds(c),
  };
}

/** rolloutLens.alerts.<threshold>: a value that is not a number ≥ 0 falls back to its default. */
function alertThresholds(c: vscode.WorkspaceConfiguration): AlertThresholds {
  const d = DEFAULT_ALERT_THRESHOLDS;
  const ok = (v: number | undefined, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : dflt);
  return {
    window: Math.min(1000, Math.max(2, Math.round(ok(c.get<number>('alerts.window'), d.window)))),
    lengthRewardRise: ok(c.get<number>('alerts.lengthRewardRise'), d.lengthRewardRise),
    lengthRise: ok(c.get<number>('alerts.lengthRise'), d.lengthRise),
    lengthWinRate: ok(c.get<number>('alerts.lengthWinRate'), d.lengthWinRate),
    formatRise: ok(c.get<number>('alerts.formatRise'), d.formatRise),
    formatAccuracyFlat: ok(c.get<number>('alerts.formatAccuracyFlat'), d.formatAccuracyFlat),
    disagreement: ok(c.get<number>('alerts.disagreement'), d.disagreement),
    disagreementGrowth: ok(c.get<number>('alerts.disagreementGrowth'), d.disagreementGrowth),
    boxAreaRise: ok(c.get<number>('alerts.boxAreaRise'), d.boxAreaRise),
    boxHitRise: ok(c.get<number>('alerts.boxHitRise'), d.boxHitRise),
    degenerateShare: ok(c.get<number>('alerts.degenerateShare'), d.degenerateShare),
    saturationAllCorrectRise: ok(c.get<number>('alerts.saturationAllCorrectRise'), d.saturationAllCorrectRise),
    saturationEffectiveMax: ok(c.get<number>('alerts.saturationEffectiveMax'), d.saturationEffectiveMax),
  };
}

/** What the engine needs of the settings (and of workspace trust). */
export function engineSettings(cfg: LensConfig = readConfig()): EngineSettings {
  return {
    reflection: {
      preset: cfg.reflectionPreset,
      mode: cfg.reflectionMode,
      ...(cfg.reflectionKeywords.length ? { keywords: cfg.reflectionKeywords } : {}),
    },
    ...(cfg.tokenizerPath ? { tokenizerPath: cfg.tokenizerPath } : {}),
    gpuPollIntervalMs: cfg.gpuPollIntervalMs,
    trusted: vscode.workspace.isTrusted,
    alerts: { enabled: cfg.alertsEnabled, ...cfg.alertThresholds },
  };
}
