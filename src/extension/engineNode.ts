// The last resort when no SQLite driver loads in VS Code's own runtime (docs/packaging.md#sqlite-drivers):
// run the engine on another Node. A user's setting wins; otherwise the first Node >= 20 on PATH whose
// binary is not the runtime that just failed. Asynchronous, so the extension host never blocks on it.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FoundNode {
  path: string;
  version: string;
}

const MIN_MAJOR = 20;

function versionOf(bin: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(bin, ['-p', 'process.versions.node'], { timeout: 5000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, out) =>
      resolve(err ? undefined : out.trim()),
    );
  });
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The `node` executables on PATH, in PATH order, without duplicates. */
function nodesOnPath(envPath: string | undefined): string[] {
  const name = process.platform === 'win32' ? 'node.exe' : 'node';
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const bin = path.join(dir, name);
    const real = realpath(bin);
    if (seen.has(real) || !fs.existsSync(bin)) continue;
    seen.add(real);
    out.push(bin);
  }
  return out;
}

/**
 * A Node to run the engine on instead of `failed`: the first one on PATH of version 20 or newer.
 * Returns undefined when there is none.
 */
export async function findFallbackNode(failed: string, envPath = process.env['PATH']): Promise<FoundNode | undefined> {
  const skip = realpath(failed);
  for (const bin of nodesOnPath(envPath)) {
    if (realpath(bin) === skip) continue;
    const version = await versionOf(bin);
    if (version && Number(version.split('.')[0]) >= MIN_MAJOR) return { path: bin, version };
  }
  return undefined;
}
