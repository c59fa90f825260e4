// The one "Rollout Lens" log channel, with component tags; core code logs through the engine.
import * as vscode from 'vscode';
import type { EngineLogger } from './engineClient';

export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Rollout Lens', { log: true });
}

export function tagged(channel: vscode.LogOutputChannel, tag: string): EngineLogger {
  return {
    info: (m) => channel.info(`[${tag}] ${m}`),
    warn: (m) => channel.warn(`[${tag}] ${m}`),
    error: (m) => channel.error(`[${tag}] ${m}`),
    trace: (m) => channel.trace(`[${tag}] ${m}`),
  };
}

/** Bridges VS Code cancellation to the AbortSignal that the engine protocol understands. */
export function abortSignalFor(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => sub.dispose() };
}
