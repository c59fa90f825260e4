// One typed accessor over the extension's settings (package.json contributes.configuration).
import * as vscode from 'vscode';
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
  gpuPollIntervalMs: number;
  verifierUrl: string;
  verifierModel: string;
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
    gpuPollIntervalMs: c.get<number>('gpuPollIntervalMs', 2000),
    verifierUrl: c.get<string>('verifier.url', ''),
    verifierModel: c.get<string>('verifier.model', ''),
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
  };
}
