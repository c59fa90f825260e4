// Composition root: builds everything explicitly and logs how long each phase took. The engine
// starts on first need (the explorer's first expansion, a command), never during activation.
import './zodSetup';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DOC_SCHEME } from '../shared/uri';
import { registerCommands } from './commands/registerCommands';
import { RESTART_SETTINGS, engineSettings, readConfig } from './config';
import { ReflectionHighlights } from './documents/reflectionHighlights';
import { registerTokenHover } from './documents/tokenHover';
import { registerSampleImageHover } from './documents/sampleImageHover';
import { SampleDocuments } from './documents/sampleDocuments';
import { EngineClient } from './engineClient';
import { findFallbackNode } from './engineNode';
import { EngineEvents } from './engineEvents';
import { GroupBadges } from './explorer/decorations';
import type { ExplorerNode } from './explorer/nodes';
import { RunExplorer } from './explorer/runExplorer';
import { createLog, tagged } from './log';
import { EngineMethods } from '../shared/protocol/engine';
import { LOG_SCHEME, RunLogs } from './runs/runLogs';
import { registerWebviews } from './webviews/registerWebviews';
import { RunStatusBar } from './runs/runStatusBar';

export interface RolloutLensApi {
  /** For tests and other extensions: the engine client (typed JSON-RPC). */
  engine: EngineClient;
  explorer: RunExplorer;
  treeView: vscode.TreeView<ExplorerNode>;
  activationMs: number;
}

function databasePath(context: vscode.ExtensionContext): string {
  const configured = readConfig().databasePath;
  if (configured) return configured;
  const storage = context.storageUri ?? context.globalStorageUri;
  fs.mkdirSync(storage.fsPath, { recursive: true });
  return path.join(storage.fsPath, 'rollouts.db');
}

export function activate(context: vscode.ExtensionContext): RolloutLensApi {
  const t0 = performance.now();
  const log = createLog();
  context.subscriptions.push(log);
  const phase = (name: string, since: number): number => {
    const now = performance.now();
    log.trace(`[activate] ${name}: ${(now - since).toFixed(2)} ms`);
    return now;
  };
  let t = t0;
  const cfg = readConfig();
  const engine = new EngineClient({
    enginePath: context.asAbsolutePath(path.join('dist', 'engine.js')),
    get dbPath() {
      return databasePath(context);
    },
    get settings() {
      return engineSettings();
    },
    log: tagged(log, 'engine'),
    activity: (line) => log.info(line),
    ...(cfg.engineNodePath ? { nodePath: cfg.engineNodePath } : {}),
    // A Node on PATH is the last resort, only where the user set no engine Node of their own.
    ...(cfg.engineNodePath ? {} : { fallbackNode: findFallbackNode }),
  });
  context.subscriptions.push(
    { dispose: () => engine.dispose() },
    engine.onDidChangeState((e) => {
      if (e.state !== 'failed') return;
      if (e.cause === 'crashes') {
        void vscode.window.showErrorMessage(`Rollout Lens: ${e.reason}`, 'Show Log').then((a) => a && log.show());
        return;
      }
      const actions = e.nativeModule ? ['Rebuild Native Modules', 'Show Log'] : ['Show Log'];
      void vscode.window.showErrorMessage(`Rollout Lens could not start its engine: ${e.reason}`, ...actions).then((a) => {
        if (a === 'Show Log') log.show();
        if (a === 'Rebuild Native Modules') void vscode.commands.executeCommand('rolloutLens.rebuildNativeModules');
      });
    }),
  );
  t = phase('engine client', t);

  const explorer = new RunExplorer(engine);
  const treeView = vscode.window.createTreeView('rolloutLens.runs', { treeDataProvider: explorer, showCollapseAll: true });
  explorer.bindView(treeView);
  context.subscriptions.push(explorer.trackExpansion(treeView));
  // The walkthrough's first step ticks off on a pulse of this context key. VS Code drops a completion
  // event that happens before, or while, it registers the walkthrough's steps (at startup), and for the
  // rest of the session: a Runs view opened then never fires onView, and a key true then never counts.
  // So each later use of the view (shown again, a row expanded) sets the key for a second.
  const quietUntil = Date.now() + 5000;
  let pulse: ReturnType<typeof setTimeout> | undefined;
  const markUsed = (): void => {
    if (Date.now() < quietUntil) return;
    void vscode.commands.executeCommand('setContext', 'rolloutLens.runsViewUsed', true);
    if (pulse) clearTimeout(pulse);
    pulse = setTimeout(() => void vscode.commands.executeCommand('setContext', 'rolloutLens.runsViewUsed', false), 1000);
  };
  context.subscriptions.push(
    treeView.onDidChangeVisibility((e) => e.visible && markUsed()),
    treeView.onDidExpandElement(markUsed),
    { dispose: () => pulse && clearTimeout(pulse) },
  );
  const documents = new SampleDocuments(engine);
  context.subscriptions.push(
    explorer,
    treeView,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, documents),
    vscode.window.registerFileDecorationProvider(new GroupBadges()),
    new ReflectionHighlights(engine),
    registerTokenHover(engine),
    registerSampleImageHover(engine),
  );
  const runLogs = new RunLogs(engine);
  const statusBar = new RunStatusBar(engine);
  context.subscriptions.push(runLogs, statusBar, vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, runLogs));
  const webviews = registerWebviews(context, {
    engine,
    log,
    onFilterSteps: (run, from, to) => explorer.setState({ stepRange: { run, from, to } }),
  });
  const events = new EngineEvents(engine, { explorer, statusBar, runLogs, webviews });
  context.subscriptions.push(events);
  t = phase('explorer, documents, runs', t);

  registerCommands(context, {
    engine,
    explorer,
    treeView,
    log,
    runLogs,
    onLaunched: (s) => events.runStatus(s),
    onRescored: (r) => void vscode.commands.executeCommand('rolloutLens.compareRescore', r.set),
    webviews,
  });
  t = phase('commands', t);

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('rolloutLens')) return;
      if (RESTART_SETTINGS.some((k) => e.affectsConfiguration(k))) {
        void vscode.window
          .showInformationMessage('Rollout Lens: this setting takes effect after the engine restarts.', 'Restart Engine')
          .then((a) => a && engine.restart());
        return;
      }
      if (engine.running) void engine.request(EngineMethods.configure, engineSettings()).catch((err: unknown) => log.error(String(err)));
      explorer.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (engine.running) void engine.request(EngineMethods.configure, engineSettings());
    }),
  );
  const activationMs = performance.now() - t0;
  phase('settings', t);
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { engine, explorer, treeView, activationMs };
}

export function deactivate(): void {
  // Disposables registered on the context stop the engine.
}
