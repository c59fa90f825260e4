// What this process runs on and which SQLite driver it chose: logged once by the engine, printed by
// `rollout-lens --version`, shown in VS Code's output channel. The first thing to ask for in a bug report.
import { currentRuntime, loadSqliteDriver } from './store/nativeLoader';

export const LENS_VERSION = '0.1.0';

export interface RuntimeReport {
  version: string;
  runtime: 'node' | 'electron';
  /** The runtime's own version: Node's, or Electron's in desktop VS Code. */
  runtimeVersion: string;
  node: string;
  abi: string;
  platform: string;
  /** "better-sqlite3 12.11.1 (prebuild node-127)", "node:sqlite (SQLite 3.54.1)", or why neither loads. */
  driver: string;
  driverName: 'better-sqlite3' | 'node:sqlite' | 'none';
  /** One line per binary skipped on the way (e.g. a prebuild for another ABI). */
  notes: string[];
}

export function runtimeReport(): RuntimeReport {
  const rt = currentRuntime();
  const base = {
    version: LENS_VERSION,
    runtime: rt.runtime,
    runtimeVersion: (rt.runtime === 'electron' ? process.versions['electron'] : process.versions.node) ?? '',
    node: process.versions.node,
    abi: rt.abi,
    platform: `${rt.platform}-${rt.arch}`,
  };
  try {
    const { driver, notes } = loadSqliteDriver();
    return { ...base, driver: driver.describe, driverName: driver.name, notes };
  } catch (e) {
    return { ...base, driver: e instanceof Error ? e.message : String(e), driverName: 'none', notes: [] };
  }
}

/** One line for logs: "Rollout Lens 0.1.0 on node 22.23.5 (ABI 127, linux-x64), SQLite via node:sqlite (SQLite 3.54.1)". */
export function runtimeLine(r: RuntimeReport = runtimeReport()): string {
  return (
    `Rollout Lens ${r.version} on ${r.runtime} ${r.runtimeVersion} (ABI ${r.abi}, ${r.platform}), ` +
    (r.driverName === 'none' ? `no SQLite driver: ${r.driver}` : `SQLite via ${r.driver}`)
  );
}
