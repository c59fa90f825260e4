// Running the companion converter for slime's .pt dumps (docs/formats.md#slime), from the extension host
// (plain Node, no vscode): find dumps with no converted .jsonl yet, find a Python with torch, run `python -m rollout_lens_logger.convert`.
// Starting Python executes code from the machine, so callers ask first (and only in a trusted workspace).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAX_DEPTH = 5;
const SKIP = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'wandb', '.rollout-lens']);

/** `.pt` files under a path (a file or a folder, 5 levels deep) with no up-to-date `.jsonl` beside them. */
export function unconvertedDumps(target: string): string[] {
  const out: string[] = [];
  const visit = (p: string, depth: number): void => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      if (depth > MAX_DEPTH) return;
      let names: string[] = [];
      try {
        names = fs.readdirSync(p).sort();
      } catch {
        return;
      }
      for (const n of names) if (!SKIP.has(n) && !n.startsWith('.')) visit(path.join(p, n), depth + 1);
    } else if (p.endsWith('.pt')) {
      const jsonl = p.slice(0, -3) + '.jsonl';
      const done = fs.existsSync(jsonl) && fs.statSync(jsonl).mtimeMs >= st.mtimeMs;
      if (!done) out.push(p);
    }
  };
  visit(target, 0);
  return out;
}

/**
 * The first candidate Python that can import torch, or what each one lacked. Candidates are tried
 * in order: an explicit one, the workspace's virtual environments, then python3 on PATH.
 */
export function findTorchPython(candidates: readonly string[]): { python: string } | { missing: string[] } {
  const missing: string[] = [];
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) missing.push(`${py}: not found`);
    else if (r.status !== 0) missing.push(`${py}: no torch`);
    else return { python: py };
  }
  return { missing };
}

/** Python interpreters worth trying for a workspace: its .venv / venv folders, then python3. */
export function pythonCandidates(workspace: string | undefined, configured?: string): string[] {
  const list: string[] = [];
  if (configured) list.push(configured);
  if (workspace) {
    for (const base of ['.venv', 'venv']) {
      const dir = path.join(workspace, base);
      const direct = path.join(dir, 'bin', 'python');
      if (fs.existsSync(direct)) list.push(direct);
      try {
        for (const n of fs.readdirSync(dir).sort()) {
          const py = path.join(dir, n, 'bin', 'python');
          if (fs.existsSync(py)) list.push(py);
        }
      } catch {
        // no such folder
      }
    }
  }
  list.push('python3');
  return [...new Set(list)];
}

export interface ConvertResult {
  code: number;
  /** What the converter printed (one line per file, refusals on stderr). */
  output: string;
}

/** Runs the converter on a .pt file or a folder; `packageDir` is the folder holding rollout_lens_logger. */
export function convertSlime(python: string, target: string, packageDir: string, signal?: AbortSignal): Promise<ConvertResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, PYTHONPATH: [packageDir, process.env['PYTHONPATH']].filter(Boolean).join(path.delimiter) };
    const child = spawn(python, ['-m', 'rollout_lens_logger.convert', 'slime', target], { env, ...(signal ? { signal } : {}) });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.on('error', (e) => resolve({ code: -1, output: `${output}${e.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
