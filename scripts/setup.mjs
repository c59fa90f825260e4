// Idempotent setup shared by `npm test`, `npm run demo` and `npm run bench`: installs the npm
// dependencies when package-lock.json changed since the last install, then builds the bundles.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { childEnv } from './childEnv.mjs';

const stampFile = 'node_modules/.rollout-lens-install';

export function log(msg) {
  (quietOutput ? process.stderr : process.stdout).write(`[setup] ${msg}\n`);
}

/** Output goes to stderr when `quiet` (callers that print JSON on stdout). */
let quietOutput = false;
export function setQuiet(q) {
  quietOutput = q;
}

export function sh(cmd, opts = {}) {
  execSync(cmd, { stdio: quietOutput ? ['ignore', 2, 2] : 'inherit', env: childEnv({ ONNXRUNTIME_NODE_INSTALL: 'skip' }), ...opts });
}

export function ensureNodeModules() {
  const lock = fs.readFileSync('package-lock.json');
  const want = createHash('sha1').update(lock).digest('hex');
  const have = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  if (have === want) return;
  const t0 = Date.now();
  log('installing npm dependencies (better-sqlite3 compiles from source here: about 2 minutes the first time)…');
  sh('npm ci --no-audit --no-fund --loglevel=error');
  fs.writeFileSync(stampFile, want);
  log(`npm dependencies installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** Node 22 and 24 from the npm registry and better-sqlite3 prebuilds for 20/22/24 (cached by version). */
export async function ensureRuntimesQuietly() {
  const { ensureRuntimes } = await import('./runtimes.mjs');
  const t0 = Date.now();
  const all = ensureRuntimes();
  const s = ((Date.now() - t0) / 1000).toFixed(0);
  log(`runtimes: ${all.map((r) => `node ${r.version} (ABI ${r.abi})`).join(', ')} with better-sqlite3 prebuilds (${s} s)`);
  return all;
}

export function build() {
  sh('node scripts/build.mjs');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureNodeModules();
  build();
}
