// "Rollout Lens: Ingest Folder…": pick a folder or files, ingest them in the engine with progress and cancel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import { EngineMethods } from '../../shared/protocol/engine';
import { isDebugLogName, isVideoRewardLogHead, type IngestReport } from '../../shared/rollout';
import type { EngineClient } from '../engineClient';
import { abortSignalFor } from '../log';
import { offerSlimeConversion } from './slimeOffer';
import { counted } from '../../shared/text';

export function runNameFor(p: string): string {
  const base = path.basename(p).replace(/\.(jsonl|parquet|json)$/, '');
  return (
    base
      .replace(/[^A-Za-z0-9._@+=-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 128) || 'run'
  );
}

/** The dataset a debug log is joined to (`--dataset` / `--image-root` / `--video-root`); empty when none is given. */
interface DatasetChoice {
  datasets?: string[];
  imageRoot?: string;
  videoRoot?: string;
}

/** The first 64 KiB of a `.txt` file: a VideoChat-R1 / Time-R1 log is known by how it starts. */
function isVideoLog(file: string): boolean {
  if (!file.endsWith('.txt')) return false;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(1 << 16);
    return isVideoRewardLogHead(buf.toString('utf8', 0, fs.readSync(fd, buf, 0, buf.length, 0)));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Which debug log a file, or a folder's own files (a quick look), hold: image or video grounding. */
function debugLogKind(p: string): 'image' | 'video' | undefined {
  try {
    const files = fs.statSync(p).isDirectory() ? fs.readdirSync(p).map((n) => path.join(p, n)) : [p];
    if (files.some(isVideoLog)) return 'video';
    return files.some((f) => isDebugLogName(path.basename(f))) ? 'image' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GUI-G1's debug logs keep the target box but not the image or the instruction, VideoChat-R1's the
 * target segment but not the video: an optional step names the dataset or annotation JSON they come
 * from, and the folder its image or video paths start from.
 */
async function pickDataset(target: string): Promise<DatasetChoice | undefined> {
  const kind = debugLogKind(target);
  if (!kind) return {};
  if (kind === 'video') return pickAnnotations();
  const choice = await vscode.window.showQuickPick(['Add dataset…', 'No dataset'], {
    title: 'Reward debug logs name no image: join them to the training dataset (e.g. GUI-R1-3K.json) by target box?',
  });
  if (choice === undefined) return undefined;
  if (choice === 'No dataset') return {};
  const files = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectMany: true,
    filters: { 'Dataset (JSON, JSONL)': ['json', 'jsonl'] },
    openLabel: 'Use dataset',
    title: 'Dataset files (the trainer’s data_config json_path)',
  });
  if (!files?.length) return {};
  const root = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Image root',
    title: 'Folder the dataset’s image paths start from (the trainer’s --image_root; cancel: the dataset’s folder)',
  });
  return { datasets: files.map((f) => f.fsPath), ...(root?.[0] ? { imageRoot: root[0].fsPath } : {}) };
}

/** VideoChat-R1 / Time-R1: the annotation JSON (Charades-STA, ActivityNet) and the trainer's --video_folder. */
async function pickAnnotations(): Promise<DatasetChoice | undefined> {
  const choice = await vscode.window.showQuickPick(['Add annotations…', 'No annotations'], {
    title: 'Reward debug logs name no video: join them to the annotation file (e.g. Charades train.json) by target segment?',
  });
  if (choice === undefined) return undefined;
  if (choice === 'No annotations') return {};
  const files = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectMany: true,
    filters: { 'Annotations (JSON)': ['json'] },
    openLabel: 'Use annotations',
    title: 'Annotation files (the trainer’s --train_data_path)',
  });
  if (!files?.length) return {};
  const root = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Video folder',
    title: 'Folder holding {video_id}.mp4 (the trainer’s --video_folder; cancel: the annotation file’s folder)',
  });
  return { datasets: files.map((f) => f.fsPath), ...(root?.[0] ? { videoRoot: root[0].fsPath } : {}) };
}

async function pickSource(arg: unknown, verb: string): Promise<{ target: vscode.Uri; run: string } | undefined> {
  // From the Explorer's context menu the argument is the folder's Uri; from the Runs view's title
  // bar VS Code passes nothing (or a tree element): only a Uri names what to ingest.
  const uri = arg instanceof vscode.Uri ? arg : undefined;
  const picked = uri
    ? [uri]
    : await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: verb,
        title: `${verb} rollouts (a verl dump folder, a TRL output_dir, or native JSONL)`,
      });
  const target = picked?.[0];
  if (!target) return undefined;
  const run = await vscode.window.showInputBox({
    title: 'Run name',
    value: runNameFor(target.fsPath),
    validateInput: (v) =>
      /^[A-Za-z0-9][A-Za-z0-9._@+=-]{0,127}$/.test(v) && !v.includes('..')
        ? undefined
        : 'letters, digits and . _ - @ + =, starting with a letter or digit',
  });
  return run ? { target, run } : undefined;
}

export async function ingestFolder(
  engine: EngineClient,
  log: vscode.LogOutputChannel,
  uri?: unknown,
  extensionPath?: string,
): Promise<IngestReport | undefined> {
  const src = await pickSource(uri, 'Ingest');
  if (!src) return undefined;
  const { target, run } = src;
  const dataset = await pickDataset(target.fsPath);
  if (!dataset) return undefined;
  if (extensionPath) await offerSlimeConversion(target.fsPath, log, extensionPath);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Ingesting ${path.basename(target.fsPath)} into ${run}`, cancellable: true },
    async (progress, token) => {
      const abort = abortSignalFor(token);
      try {
        const report = await engine.request(
          EngineMethods.ingest,
          { paths: [target.fsPath], run, ...dataset },
          {
            signal: abort.signal,
            onProgress: (p) => progress.report({ message: p.message }),
          },
        );
        for (const e of report.errors.slice(0, 50)) log.warn(`[ingest] ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
        for (const w of report.warnings ?? []) log.warn(`[ingest] ${w}`);
        for (const f of report.skipped.slice(0, 50)) log.info(`[ingest] not read: ${f.file}: ${f.reason}`);
        const notRead = report.skipped.map((f) => path.basename(f.file));
        const msg =
          `${run}: ${counted(report.samples_added, 'sample')} added (${report.samples_duplicate} already stored) over ${counted(report.steps, 'step')}` +
          (report.samples_added === 0 && report.samples_duplicate > 0 ? ': nothing new' : '') +
          (notRead.length
            ? `; not read: ${notRead.slice(0, 3).join(', ')}${notRead.length > 3 ? ` and ${notRead.length - 3} more` : ''}`
            : '') +
          (report.errors.length ? `, ${report.errors.length} problem(s) — see the log` : '');
        if (report.errors.length) void vscode.window.showWarningMessage(msg, 'Show Log').then((a) => a && log.show());
        else void vscode.window.showInformationMessage(msg);
        return report;
      } catch (e) {
        void vscode.window.showErrorMessage(`Ingest failed: ${errorMessage(e)}`, 'Show Log').then((a) => a && log.show());
        return undefined;
      } finally {
        abort.dispose();
      }
    },
  );
}

/** Follows a folder while a trainer writes it; cancelling the notification stops following. */
export async function followFolder(engine: EngineClient, log: vscode.LogOutputChannel, uri?: unknown): Promise<IngestReport | undefined> {
  const src = await pickSource(uri, 'Follow');
  if (!src) return undefined;
  const dataset = await pickDataset(src.target.fsPath);
  if (!dataset) return undefined;
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Following ${path.basename(src.target.fsPath)} → ${src.run} (cancel to stop)`,
      cancellable: true,
    },
    async (progress, token) => {
      const abort = abortSignalFor(token);
      try {
        const report = await engine.request(
          EngineMethods.ingest,
          { paths: [src.target.fsPath], run: src.run, follow: true, ...dataset },
          { signal: abort.signal, onProgress: (p) => progress.report({ message: p.message }) },
        );
        void vscode.window.showInformationMessage(`Stopped following ${src.run}: ${counted(report.samples_added, 'sample')} added.`);
        return report;
      } catch (e) {
        void vscode.window.showErrorMessage(`Following ${src.run} stopped: ${errorMessage(e)}`, 'Show Log').then((a) => a && log.show());
        return undefined;
      } finally {
        abort.dispose();
      }
    },
  );
}
