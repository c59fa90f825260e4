// Shared by the run tests: a workspace with a profiles file, a store, and process checks.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { groupMembers, isAlive } from '../../../src/core/runs/procfs';
import { loadProfiles, type ProfilesFile } from '../../../src/core/runs/profiles';
import { Store } from '../../../src/core/store/store';
import { ROOT, tempDir, waitFor } from '../../helpers';

export const TRAINERS = path.join(ROOT, 'test', 'unit', 'runs', 'trainers');

export interface Workspace {
  dir: string;
  db: string;
  profiles: ProfilesFile;
  store: Store;
}

/** A temporary workspace with `.rollout-lens/runs.json` holding `profiles`, and an open store. */
export function workspace(profiles: unknown[]): Workspace {
  const dir = tempDir('rl-runs-');
  fs.mkdirSync(path.join(dir, '.rollout-lens'));
  fs.writeFileSync(path.join(dir, '.rollout-lens', 'runs.json'), JSON.stringify({ version: 1, profiles }, null, 2));
  const db = path.join(dir, 'lens.db');
  return {
    dir,
    db,
    profiles: loadProfiles(path.join(dir, '.rollout-lens', 'runs.json'), dir),
    store: Store.open(db),
  };
}

/** Fast stop timeouts so escalation tests take about a second. */
export const quickStop = { sigintMs: 600, sigtermMs: 600 };

export function readPids(file: string): number[] {
  return fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
}

/** No process of the group, and none of the listed pids, is alive. */
export function assertNoProcesses(pgid: number | null, pids: readonly number[] = []): void {
  if (pgid !== null) assert.deepEqual(groupMembers(pgid), [], `processes of group ${pgid} are still alive`);
  for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} is still alive`);
}

export async function waitForFile(file: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => fs.existsSync(file), timeoutMs, file);
}

/** Kills whatever a failed test may have left, by process group (never by name). */
export function killGroup(pgid: number | null): void {
  if (pgid === null) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone
  }
}
