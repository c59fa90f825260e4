// Chooses the SQLite driver for this runtime, once (docs/packaging.md#sqlite-drivers):
//   1. better-sqlite3 with a binary built for this ABI: a packaged extension carries
//      prebuilds/<platform>-<arch>/<runtime>-<abi>/better_sqlite3.node (its binary is not N-API, so
//      it only loads in the runtime it was built for); a development tree has node_modules' build;
//   2. Node's built-in node:sqlite (Node >= 22.13), e.g. in desktop VS Code's Electron or a new Node;
//   3. neither: one error naming the runtime, its ABI and the ways out. The extension then tries a
//      Node on PATH (or rolloutLens.engineNodePath) before it offers a rebuild.
// ROLLOUT_LENS_SQLITE_DRIVER=better-sqlite3|node:sqlite forces one (tests, and users who need to).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { DriverName, SqliteDatabase, SqliteDriver } from './driver';
import { loadNodeSqlite } from './nodeSqliteDriver';

export type { SqliteDatabase, SqliteStatement } from './driver';

export interface RuntimeInfo {
  runtime: 'node' | 'electron';
  abi: string;
  platform: string;
  arch: string;
}

export function currentRuntime(): RuntimeInfo {
  return {
    runtime: process.versions['electron'] ? 'electron' : 'node',
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
  };
}

/** Where a prebuilt binary for this runtime would be, under a package root. */
export function prebuildPath(root: string, rt: RuntimeInfo = currentRuntime()): string {
  return path.join(root, 'prebuilds', `${rt.platform}-${rt.arch}`, `${rt.runtime}-${rt.abi}`, 'better_sqlite3.node');
}

/** Candidate package roots: the folder above the bundle (dist/..) and the working tree root in dev. */
function packageRoots(): string[] {
  const roots = new Set<string>();
  if (process.env['ROLLOUT_LENS_ROOT']) roots.add(process.env['ROLLOUT_LENS_ROOT']);
  roots.add(path.resolve(__dirname, '..'));
  roots.add(path.resolve(__dirname, '..', '..', '..'));
  return [...roots];
}

/** What choosing the driver found: the driver, and the one-line notes worth a log line. */
export interface DriverChoice {
  driver: SqliteDriver;
  notes: string[];
}

function betterSqlite(binary: string | undefined): SqliteDriver {
  const ctor = createRequire(__filename)('better-sqlite3') as typeof BetterSqlite3;
  const binding = binary ? { nativeBinding: binary } : {};
  // Opening a throwaway in-memory database forces the native addon to load now, not later.
  new ctor(':memory:', binding).close();
  const version = (createRequire(__filename)('better-sqlite3/package.json') as { version: string }).version;
  const rt = currentRuntime();
  return {
    name: 'better-sqlite3',
    describe: `better-sqlite3 ${version} (${binary ? `prebuild ${rt.runtime}-${rt.abi}` : 'node_modules build'})`,
    // better-sqlite3's Database is the driver interface as it stands: no adapter, no cost.
    open: (file, opts): SqliteDatabase => new ctor(file, { timeout: opts.busyTimeoutMs, readonly: opts.readonly, ...binding }),
  };
}

function forcedDriver(): DriverName | undefined {
  const v = process.env['ROLLOUT_LENS_SQLITE_DRIVER'];
  if (v === undefined || v === '') return undefined;
  if (v === 'better-sqlite3' || v === 'node:sqlite') return v;
  throw new LensError(ErrorCode.BadInput, `ROLLOUT_LENS_SQLITE_DRIVER must be "better-sqlite3" or "node:sqlite", got "${v}"`);
}

/** Tries each better-sqlite3 binary that could fit: this ABI's prebuilds, then node_modules' build. */
function tryBetterSqlite(notes: string[], failures: string[]): SqliteDriver | undefined {
  const rt = currentRuntime();
  const prebuilt = [...new Set(packageRoots().map((r) => prebuildPath(r, rt)))].filter((p) => fs.existsSync(p));
  for (const binary of [...prebuilt, undefined]) {
    try {
      return betterSqlite(binary);
    } catch (e) {
      const where = binary ?? 'node_modules/better-sqlite3';
      // A binary built for another ABI is expected after an upgrade: skipped, one line, never fatal.
      notes.push(`skipped the better-sqlite3 binary at ${where}: ${firstLine(errorMessage(e))}`);
      failures.push(`better-sqlite3 (${binary ? `prebuild ${binary}` : 'no prebuild for this ABI'})`);
    }
  }
  return undefined;
}

/** "built for ABI 115, this runtime is ABI 127" when the loader says so; else the message's first line. */
function firstLine(s: string): string {
  const abi = /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(s);
  if (abi) return `built for ABI ${abi[1]}, this runtime is ABI ${abi[2]}`;
  return s.split('\n', 1)[0] ?? s;
}

let cached: DriverChoice | undefined;

/** Chooses the driver once per process. Throws a LensError naming runtime, ABI and the ways out. */
export function loadSqliteDriver(): DriverChoice {
  if (cached) return cached;
  const forced = forcedDriver();
  const notes: string[] = [];
  const failures: string[] = [];
  if (forced !== 'node:sqlite') {
    const driver = tryBetterSqlite(notes, failures);
    if (driver) return (cached = { driver, notes });
  }
  if (forced !== 'better-sqlite3') {
    const driver = loadNodeSqlite();
    if (typeof driver !== 'string') return (cached = { driver, notes });
    failures.push(driver);
  }
  const rt = currentRuntime();
  throw new LensError(
    ErrorCode.NativeModule,
    `no SQLite driver loads in ${rt.runtime} ${process.versions[rt.runtime] ?? ''} (ABI ${rt.abi}, ${rt.platform}-${rt.arch}): ` +
      `${failures.join('; ')}. Ways out: set "rolloutLens.engineNodePath" to a Node 20, 22 or 24 (the extension also looks on PATH); ` +
      `use a VS Code whose server runs Node >= 22.13 (node:sqlite); or run "Rollout Lens: Rebuild Native Modules" (needs a C++ toolchain).`,
    { runtime: rt.runtime, abi: rt.abi, platform: rt.platform, arch: rt.arch },
  );
}
