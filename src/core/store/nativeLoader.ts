// The one place that loads better-sqlite3. Its binary is ABI-specific (not N-API), so a packaged
// extension carries prebuilds/<platform>-<arch>/<runtime>-<abi>/better_sqlite3.node per runtime it
// was built for and picks the matching one through the `nativeBinding` option.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';

export type DatabaseConstructor = typeof BetterSqlite3;
export type SqliteDatabase = BetterSqlite3.Database;

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

let cached: { ctor: DatabaseConstructor; nativeBinding: string | undefined } | undefined;

/** Candidate package roots: the folder above the bundle (dist/..) and the working tree root in dev. */
function packageRoots(): string[] {
  const roots = new Set<string>();
  if (process.env['ROLLOUT_LENS_ROOT']) roots.add(process.env['ROLLOUT_LENS_ROOT']);
  roots.add(path.resolve(__dirname, '..'));
  roots.add(path.resolve(__dirname, '..', '..', '..'));
  return [...roots];
}

/**
 * Loads better-sqlite3 once. Throws a LensError naming runtime, ABI and the remedy when the binary
 * does not match this process.
 */
export function loadSqlite(): { ctor: DatabaseConstructor; nativeBinding: string | undefined } {
  if (cached) return cached;
  const rt = currentRuntime();
  const prebuilt = packageRoots()
    .map((r) => prebuildPath(r, rt))
    .find((p) => fs.existsSync(p));
  let ctor: DatabaseConstructor;
  try {
    const req = createRequire(__filename);
    ctor = req('better-sqlite3') as DatabaseConstructor;
    // Opening a throwaway in-memory database forces the native addon to load now, not later.
    new ctor(':memory:', prebuilt ? { nativeBinding: prebuilt } : {}).close();
  } catch (e) {
    throw new LensError(
      ErrorCode.NativeModule,
      `better-sqlite3 could not be loaded in ${rt.runtime} (ABI ${rt.abi}, ${rt.platform}-${rt.arch})` +
        `${prebuilt ? ` from ${prebuilt}` : ' (no matching prebuild found)'}: ${errorMessage(e)}. ` +
        `Run "Rollout Lens: Rebuild Native Modules" in VS Code, or "npm rebuild better-sqlite3" for this runtime.`,
      { runtime: rt.runtime, abi: rt.abi, platform: rt.platform, arch: rt.arch },
    );
  }
  cached = { ctor, nativeBinding: prebuilt };
  return cached;
}
