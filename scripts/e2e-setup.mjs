// Idempotent setup for the browser and VS Code suites (docs/testing.md#browser-and-vs-code-suites): Debian chromium, ripgrep and
// libkrb5-dev (apt, as root), the ripgrep asset @vscode/ripgrep would otherwise fetch from GitHub,
// and code-server 4.100.3 in its own harness package (harness/code-server, own lockfile).
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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

/** @vscode/ripgrep downloads its binary from GitHub unless this cached asset exists. */
export function seedRipgrep() {
  const dir = path.join(process.env.TMPDIR || os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const asset = path.join(dir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (fs.existsSync(asset)) return;
  if (!have('rg')) throw new Error('ripgrep (rg) is missing: apt-get install ripgrep');
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-seed-'));
  fs.copyFileSync(execSync('command -v rg').toString().trim(), path.join(stage, 'rg'));
  fs.mkdirSync(dir, { recursive: true });
  execSync(`tar -czf "${asset}" -C "${stage}" rg`);
  fs.rmSync(stage, { recursive: true, force: true });
}

export function ensureCodeServer() {
  const harness = path.join(root, 'harness', 'code-server');
  const lock = fs.readFileSync(path.join(harness, 'package-lock.json'));
  const want = createHash('sha1').update(lock).digest('hex');
  const stamp = path.join(harness, 'node_modules', '.rollout-lens-install');
  const bin = path.join(harness, 'node_modules', '.bin', 'code-server');
  if (fs.existsSync(bin) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return bin;
  const t0 = Date.now();
  log('installing code-server 4.100.3 into harness/code-server (about 90 s, 300 MB)…');
  execSync('npm ci --no-audit --no-fund --loglevel=error', {
    cwd: harness,
    stdio: 'inherit',
    env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
  });
  fs.writeFileSync(stamp, want);
  log(`code-server installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return bin;
}

export function ensureE2e() {
  ensureApt();
  seedRipgrep();
  return ensureCodeServer();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  log(`code-server at ${ensureE2e()}`);
}
