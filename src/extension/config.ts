// One typed accessor over the extension's settings (package.json contributes.configuration).
import * as vscode from 'vscode';
import { DEFAULT_ALERTS_ENABLED, thresholdsFromSettings, type AlertThresholds } from '../shared/alerts';
import type { EngineSettings } from '../shared/protocol/engine';
import { DEFAULT_REFLECTION_MODE, DEFAULT_REFLECTION_PRESET, type ReflectionMode, type ReflectionPresetId } from '../shared/reflection';

export interface LensConfig {
  databasePath: string;
  engineNodePath: string;
  tokenizerPath: string;
  /** The ffmpeg for video frames; empty: PATH. */
  ffmpegPath: string;
  reflectionPreset: ReflectionPresetId;
  reflectionMode: ReflectionMode;
  reflectionKeywords: string[];
  advantageEstimator: 'grpo' | 'drgrpo' | 'rloo' | 'tempo';
  /** ε of the token mismatch's clip range [1 − ε, 1 + ε]. */
  clipEpsilon: number;
  /** Text search and the explorer's text filter also match in tool / environment / user turns. */
  searchIncludeAllTurns: boolean;
  gpuPollIntervalMs: number;
  verifierUrl: string;
  verifierModel: string;
  /** Failure clusters are named by the verifier's endpoint (off by default: it sends examples there). */
  clustersNameByEndpoint: boolean;
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
    ffmpegPath: c.get<string>('ffmpegPath', ''),
    reflectionPreset: c.get<ReflectionPresetId>('reflection.preset', DEFAULT_REFLECTION_PRESET),
    reflectionMode: c.get<ReflectionMode>('reflection.mode', DEFAULT_REFLECTION_MODE),
    reflectionKeywords: c.get<string[]>('reflection.keywords', []),
    advantageEstimator: c.get<LensConfig['advantageEstimator']>('advantageEstimator', 'grpo'),
    clipEpsilon: c.get<number>('tokens.clipEpsilon', 0.2),
    searchIncludeAllTurns: c.get<boolean>('search.includeAllTurns', false) === true,
    gpuPollIntervalMs: c.get<number>('gpuPollIntervalMs', 2000),
    verifierUrl: c.get<string>('verifier.url', ''),
    verifierModel: c.get<string>('verifier.model', ''),
    clustersNameByEndpoint: c.get<boolean>('clusters.nameByEndpoint', false) === true,
    alertsEnabled: c.get<boolean>('alerts.enabled', DEFAULT_ALERTS_ENABLED),
    // Every threshold of src/shared/alerts.ts, each from its setting rolloutLens.alerts.<name>.
    alertThresholds: thresholdsFromSettings((name) => c.get<unknown>(`alerts.${name}`)),
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
    // Always sent, empty included: configure merges, so clearing the setting must reach the engine.
    ffmpegPath: cfg.ffmpegPath,
    gpuPollIntervalMs: cfg.gpuPollIntervalMs,
    trusted: vscode.workspace.isTrusted,
    alerts: { enabled: cfg.alertsEnabled, ...cfg.alertThresholds },
  };
}
