// Idempotent setup for the browser and VS Code suites (docs/packaging.md#test-matrix): Debian chromium, ripgrep and
// libkrb5-dev (apt, as root), the ripgrep assets @vscode/ripgrep would otherwise fetch from GitHub,
// and one code-server per VS Code generation, each in its own harness package with its own lockfile,
// installed with the Node it runs on (scripts/runtimes.mjs): see GENERATIONS.
import { execSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { childEnv } from './childEnv.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const log = (m) => process.stdout.write(`[e2e-setup] ${m}\n`);

function have(cmd) {
  try {
    execSync(`command -v ${cmd}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function dpkgHas(pkg) {
  try {
    execSync(`dpkg -s ${pkg}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function ensureApt() {
  const missing = ['chromium', 'ripgrep', 'libkrb5-dev'].filter((p) => !dpkgHas(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages ${missing.join(', ')}: install them with "sudo apt-get install -y ${missing.join(' ')}"`);
  }
  const t0 = Date.now();
  log(`installing ${missing.join(', ')} with apt (about a minute)…`);
  execSync('apt-get update -qq', { stdio: 'inherit' });
  execSync(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`, { stdio: 'inherit' });
  log(`apt done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/**
 * The VS Code generations the e2e suites run in (Dec 2026): code-server 4.100.3 declares Node 20,
 * 4.106–4.117 declare Node 22, 4.133 onwards Node 24 (their package.json "engines").
 */
export const GENERATIONS = {
  '1.100': { codeServer: '4.100.3', harness: 'code-server', node: '20' },
  1.117: { codeServer: '4.117.0', harness: 'code-server-4.117', node: '22' },
  1.139: { codeServer: '4.139.1', harness: 'code-server-4.139', node: '24' },
};

/**
 * @vscode/ripgrep downloads its binary from GitHub in its postinstall unless the asset is in its
 * cache folder. code-server 4.100 pins @vscode/ripgrep 1.15.11 (ripgrep v13.0.0-10), 4.117 pins
 * 1.17.1 (v15.0.1); 4.133+ use @vscode/ripgrep-universal, which ships its binaries. Debian's rg
 * stands in for the asset: VS Code only runs it for search.
 */
const RIPGREP_ASSETS = [
  ['1.15.11', 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'],
  ['1.17.1', 'ripgrep-v15.0.1-x86_64-unknown-linux-musl.tar.gz'],
];

export function seedRipgrep() {
  for (const [pkgVersion, name] of RIPGREP_ASSETS) {
    const dir = path.join(process.env.TMPDIR || os.tmpdir(), `vscode-ripgrep-cache-${pkgVersion}`);
    const asset = path.join(dir, name);
    if (fs.existsSync(asset)) continue;
    if (!have('rg')) throw new Error('ripgrep (rg) is missing: apt-get install ripgrep');
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-seed-'));
    fs.copyFileSync(execSync('command -v rg').toString().trim(), path.join(stage, 'rg'));
    fs.mkdirSync(dir, { recursive: true });
    execSync(`tar -czf "${asset}" -C "${stage}" rg`);
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * What `node entry.js --version` prints (`4.117.0 <commit> with Code 1.117.0`): code-server's version, when the install starts with
 * its own Node; null otherwise (a broken or half-finished install, a module built for another Node).
 */
export function codeServerVersion(node, entry) {
  if (!fs.existsSync(entry)) return null;
  const r = spawnSync(node, [entry, '--version'], { encoding: 'utf8', env: childEnv(), timeout: 60_000 });
  if (r.status !== 0) return null;
  // Its first run may log a line before it (it writes a default config file): find the version line.
  return /^(\d+\.\d+\.\d+) [0-9a-f]+ with Code /m.exec(r.stdout)?.[1] ?? null;
}

/**
 * Installs one generation's code-server (npm ci on its lockfile) with its own Node; returns how to
 * start it. The install lives outside the clone, keyed by lockfile and Node
 * (<cache>/harness/<name>-<key>/), and harness/<name>/node_modules links to it: a fresh clone on
 * the same machine reuses it, a fresh machine installs it once. A cached install is taken only if it
 * starts with its own Node and reports its version; otherwise it is installed again.
 */
export async function ensureCodeServer(generation = '1.100') {
  const gen = GENERATIONS[generation];
  if (!gen) throw new Error(`unknown VS Code generation ${generation}: one of ${Object.keys(GENERATIONS).join(', ')}`);
  const { CACHE, NODE_VERSIONS, ensureNode } = await import('./runtimes.mjs');
  const node = ensureNode(NODE_VERSIONS[gen.node]);
  const harness = path.join(root, 'harness', gen.harness);
  const lock = fs.readFileSync(path.join(harness, 'package-lock.json'));
  const key = createHash('sha1').update(lock).update(node).digest('hex').slice(0, 16);
  const cached = path.join(CACHE, 'harness', `${gen.harness}-${key}`);
  const stamp = path.join(cached, 'node_modules', '.rollout-lens-install');
  const cachedEntry = path.join(cached, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const link = path.join(harness, 'node_modules');
  const entry = path.join(link, 'code-server', 'out', 'node', 'entry.js');
  const result = { generation, codeServer: gen.codeServer, node, entry };
  if (fs.existsSync(stamp)) {
    const v = codeServerVersion(node, cachedEntry);
    if (v !== gen.codeServer) {
      log(`cached code-server ${gen.codeServer} in ${cached} does not start on its Node (it reported ${v ?? 'nothing'}): reinstalling`);
      fs.rmSync(stamp, { force: true });
    }
  }
  if (!fs.existsSync(stamp)) {
    const t0 = Date.now();
    log(
      `installing code-server ${gen.codeServer} (VS Code ${generation}) on Node ${NODE_VERSIONS[gen.node]} into ${cached} (2–5 minutes, 300 MB)…`,
    );
    fs.rmSync(cached, { recursive: true, force: true });
    fs.mkdirSync(cached, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(harness, f), path.join(cached, f));
    // A clean environment (scripts/childEnv.mjs): under `npm test` the outer npm's variables would
    // reach this install, and its postinstall would see the outer Node. Its native modules
    // (node-pty, kerberos, …) build for the Node it will run on, against that distribution's own
    // headers: no headers download.
    const vars = { npm_config_unsafe_perm: 'true', npm_config_yes: 'true' };
    // This process's Node is the system's: its headers are the ones the machine's npm is set up for.
    if (node !== process.execPath) vars.npm_config_nodedir = path.dirname(path.dirname(node));
    execSync('npm ci --no-audit --no-fund --loglevel=error', {
      cwd: cached,
      stdio: 'inherit',
      env: childEnv(vars, { pathFirst: path.dirname(node) }),
    });
    const v = codeServerVersion(node, cachedEntry);
    if (v !== gen.codeServer)
      throw new Error(`code-server ${gen.codeServer} installed in ${cached} does not start on ${node} (it reported ${v ?? 'nothing'})`);
    fs.writeFileSync(stamp, key);
    log(`code-server ${gen.codeServer} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const target = path.join(cached, 'node_modules');
  let current;
  try {
    current = fs.readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== target) {
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(target, link);
  }
  return result;
}

/**
 * The command line of a code-server of ours (the demo, the e2e suites, the cold-setup check): bound
 * to loopback, no password, no telemetry or update checks, no trust prompt, and its own config, user
 * data and extensions folders.
 */
export function codeServerArgs({ entry, port, config, data, extensions, workspace }) {
  return [
    entry,
    ...['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'],
    ...['--config', config, '--user-data-dir', data, '--extensions-dir', extensions],
    workspace,
  ];
}

export async function ensureE2e(generation = '1.100') {
  ensureApt();
  seedRipgrep();
  return ensureCodeServer(generation);
}

// No top-level await: the tests import this module from CommonJS.
async function main(gens) {
  for (const g of gens) {
    const r = await ensureE2e(g);
    log(`VS Code ${g}: code-server ${r.codeServer} on ${r.node}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const gens = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(GENERATIONS);
  main(gens).catch((e) => {
    process.stderr.write(`[e2e-setup] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
