// Launching and controlling training runs from VS Code: Launch Run…, Open Sample Run, Stop, Restart,
// Show Run Log. The engine owns the processes; launching is refused in an untrusted workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ErrorCode, errorMessage, isLensError } from '../../shared/errors';
import { RunMethods } from '../../shared/protocol/runs';
import { nextRunName, type RunStatus } from '../../shared/runs';
import { EngineMethods } from '../../shared/protocol/engine';
import type { EngineClient } from '../engineClient';
import { RunNode } from '../explorer/nodes';
import type { RunLogs } from './runLogs';

export const SAMPLE_PROFILE = 'sample-grpo';

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function refuseUntrusted(what: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window
    .showWarningMessage(
      `${what} is disabled in an untrusted workspace: a run profile executes commands from this workspace's files.`,
      'Manage Workspace Trust',
    )
    .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
  return true;
}

function reportError(what: string, e: unknown): void {
  const untrusted = isLensError(e) && e.code === ErrorCode.Untrusted;
  void vscode.window.showErrorMessage(untrusted ? errorMessage(e) : `${what}: ${errorMessage(e)}`);
}

async function launch(
  engine: EngineClient,
  workspace: string,
  profile: string,
  onLaunched: (s: RunStatus) => void,
): Promise<RunStatus | undefined> {
  try {
    const run = await chooseRunName(engine, profile);
    if (run === undefined) return undefined;
    const s = await engine.request(RunMethods.launch, { workspace, profile, ...(run !== profile ? { run } : {}) });
    onLaunched(s);
    void vscode.window.showInformationMessage(
      `Run ${s.run} ${s.state} (${s.backend}${s.pid ? `, pid ${s.pid}` : s.jobId ? `, job ${s.jobId}` : ''}); its rollouts appear in the Runs view as it trains.`,
    );
    return s;
  } catch (e) {
    reportError(`Launching ${profile} failed`, e);
    return undefined;
  }
}

export async function launchRun(engine: EngineClient, onLaunched: (s: RunStatus) => void): Promise<void> {
  if (refuseUntrusted('Launching runs')) return;
  const workspace = workspaceFolder();
  if (!workspace) {
    void vscode.window.showInformationMessage('Open a folder with a .rollout-lens/runs.json first (see docs/runs.md).');
    return;
  }
  const file = path.join(workspace, '.rollout-lens', 'runs.json');
  if (!fs.existsSync(file)) {
    const a = await vscode.window.showInformationMessage(`No run profiles: ${file} does not exist.`, 'Create It');
    if (a) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(
        file,
        JSON.stringify(
          { profiles: [{ name: 'my-run', backend: 'local', trainer: 'native', command: 'python3', args: ['train.py'], outputs: ['out'] }] },
          null,
          2,
        ) + '\n',
      );
      await vscode.window.showTextDocument(vscode.Uri.file(file));
    }
    return;
  }
  try {
    const profiles = await engine.request(RunMethods.profiles, { workspace });
    const pick = await vscode.window.showQuickPick(
      profiles.map((p) => ({ label: p.name, description: `${p.backend} · ${p.trainer}`, detail: p.commandLine, name: p.name })),
      { title: 'Launch which run?' },
    );
    if (pick) await launch(engine, workspace, pick.name, onLaunched);
  } catch (e) {
    reportError('Reading run profiles failed', e);
  }
}

/** The demo workspace's sample GRPO run (a real TRL run on CPU), launched in one click. */
export async function openSampleRun(engine: EngineClient, onLaunched: (s: RunStatus) => void): Promise<void> {
  if (refuseUntrusted('Launching the sample run')) return;
  const workspace = workspaceFolder();
  try {
    const profiles = workspace ? await engine.request(RunMethods.profiles, { workspace }) : [];
    if (!workspace || !profiles.some((p) => p.name === SAMPLE_PROFILE)) {
      void vscode.window.showInformationMessage(
        `This workspace has no "${SAMPLE_PROFILE}" profile. The sample run needs the Rollout Lens repository and its Python environment: run "npm run demo" there.`,
      );
      return;
    }
    await launch(engine, workspace, SAMPLE_PROFILE, onLaunched);
  } catch (e) {
    reportError('The sample run could not start', e);
  }
}

/**
 * The run name for a new launch of `profile`. When a run of that name exists, asks: a new name
 * (`profile-2`, the default) or the same one (its history continues; a running one is refused by the
 * engine). Undefined: the user cancelled.
 */
async function chooseRunName(engine: EngineClient, profile: string): Promise<string | undefined> {
  const [launched, stored] = await Promise.all([engine.request(RunMethods.status, {}), engine.request(EngineMethods.listRuns, {})]);
  const taken = new Set([...launched.map((s) => s.run), ...stored.map((r) => r.run)]);
  if (!taken.has(profile)) return profile;
  const fresh = nextRunName(profile, taken);
  const before = launched.find((s) => s.run === profile);
  const data = stored.find((r) => r.run === profile);
  const what = [
    before ? `${before.state}, attempt ${before.attempt}` : null,
    data ? `${data.samples} samples in ${data.steps} steps stored` : null,
  ].filter((x) => x !== null);
  const answer = await vscode.window.showWarningMessage(
    `A run named "${profile}" exists (${what.join('; ')}). Launch as "${fresh}", or reuse "${profile}" (its new rollouts join the stored ones)?`,
    { modal: true },
    `Launch as ${fresh}`,
    `Reuse ${profile}`,
  );
  if (answer === undefined) return undefined;
  return answer === `Reuse ${profile}` ? profile : fresh;
}

async function pickRun(
  engine: EngineClient,
  node: RunNode | undefined,
  filter: (s: RunStatus) => boolean,
  verb: string,
): Promise<string | undefined> {
  if (node instanceof RunNode) return node.run.run;
  const runs = (await engine.request(RunMethods.status, {})).filter(filter);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(`No launched run to ${verb}.`);
    return undefined;
  }
  if (runs.length === 1) return runs[0]!.run;
  return (
    await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.run, description: `${r.state} · ${r.backend}` })),
      { title: `${verb} which run?` },
    )
  )?.label;
}

const active = (s: RunStatus): boolean => s.state === 'running' || s.state === 'pending' || s.state === 'stopping';

export async function stopRun(engine: EngineClient, node?: RunNode): Promise<void> {
  const run = await pickRun(engine, node, active, 'Stop');
  if (!run) return;
  const sure = await vscode.window.showWarningMessage(
    `Stop run "${run}"? Its processes are interrupted (then terminated, then killed), or its job is cancelled. Rollouts already written stay.`,
    { modal: true },
    'Stop Run',
  );
  if (sure !== 'Stop Run') return;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Stopping ${run}…` }, async () => {
    try {
      const s = await engine.request(RunMethods.stop, { run });
      void vscode.window.showInformationMessage(
        `Run ${run}: ${s.state}${s.exitCode !== null ? ` (exit ${s.exitCode})` : s.signal ? ` (${s.signal})` : ''}.`,
      );
    } catch (e) {
      reportError(`Stopping ${run} failed`, e);
    }
  });
}

export async function restartRun(engine: EngineClient, node?: RunNode): Promise<void> {
  if (refuseUntrusted('Restarting runs')) return;
  const run = await pickRun(engine, node, () => true, 'Restart');
  if (!run) return;
  try {
    const s = await engine.request(RunMethods.restart, { run });
    void vscode.window.showInformationMessage(`Run ${run} restarted (attempt ${s.attempt}).`);
  } catch (e) {
    reportError(`Restarting ${run} failed`, e);
  }
}

export async function showRunLog(engine: EngineClient, logs: RunLogs, node?: RunNode): Promise<void> {
  const run = await pickRun(engine, node, () => true, 'Show the log of');
  if (run) await logs.show(run);
}
