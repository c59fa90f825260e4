// A real VS Code for end-to-end tests: code-server of the generation ROLLOUT_LENS_E2E_VSCODE names
// (1.100 on Node 20 unless set; scripts/e2e-setup.mjs GENERATIONS) started detached on its own Node
// in its own process group (stopped by signalling the group), with this repository installed as an
// extension, plus headless Debian Chromium driven by playwright-core. Every wait is bounded.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { GENERATIONS, codeServerArgs, type Generation } from '../../scripts/e2e-setup.mjs';
import { CACHE, NODE_VERSIONS } from '../../scripts/runtimes.mjs';
import { ROOT, sleep, tempDir } from '../helpers';

/** The Node a generation's code-server runs on: this process's for Node 20, else the cached distribution. */
function nodeOf(major: Generation['node']): string {
  const version = NODE_VERSIONS[major];
  return version === process.versions.node ? process.execPath : path.join(CACHE, 'node', version, 'bin', 'node');
}

/** The VS Code generation under test, and the Node its server (and so the extension host) runs on. */
export const GENERATION = process.env['ROLLOUT_LENS_E2E_VSCODE'] ?? '1.100';
const harness = GENERATIONS[GENERATION];
if (!harness) throw new Error(`ROLLOUT_LENS_E2E_VSCODE=${GENERATION}: one of ${Object.keys(GENERATIONS).join(', ')}`);
export const CODE_SERVER_NODE = nodeOf(harness.node);
const ENTRY = path.join(ROOT, 'harness', harness.harness, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** The SQLite driver the engine is told to use in this generation's code-server, if any. */
export const ENGINE_DRIVER = process.env['ROLLOUT_LENS_E2E_ENGINE_DRIVER'];
export const ARTIFACTS = path.join(ROOT, '.artifacts', 'e2e');

export interface CodeServer {
  url: string;
  port: number;
  dir: string;
  workspace: string;
  log: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Stops a detached process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (!child.pid) return;
  const alive = (): boolean => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const t0 = Date.now();
  while (alive() && Date.now() - t0 < graceMs) await sleep(50);
  if (alive()) process.kill(-child.pid, 'SIGKILL');
}

/** Waits (30 s at most) until code-server answers /healthz; stops it and throws with its log otherwise. */
export async function waitForHealthz(child: ChildProcess, url: string, logFile: string): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}): ${fs.readFileSync(logFile, 'utf8')}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > 30_000) {
      await stopGroup(child);
      throw new Error(`code-server did not answer /healthz within 30 s: ${fs.readFileSync(logFile, 'utf8')}`);
    }
    await sleep(200);
  }
}

export async function startCodeServer(opts: {
  settings: Record<string, unknown>;
  env?: Record<string, string>;
  /** Install this VSIX (code-server --install-extension) instead of linking the working tree. */
  vsix?: string;
  /** The bundled extension-host tests, run by the first window opened (installHostTests). */
  hostTests?: string;
}): Promise<CodeServer & { extensionsDir: string }> {
  const dir = tempDir('rl-code-server-');
  const workspace = path.join(dir, 'workspace');
  const ext = path.join(dir, 'extensions');
  const data = path.join(dir, 'data');
  fs.mkdirSync(workspace);
  fs.mkdirSync(ext);
  fs.mkdirSync(path.join(data, 'User'), { recursive: true });
  if (opts.vsix) {
    execFileSync(CODE_SERVER_NODE, [ENTRY, '--extensions-dir', ext, '--user-data-dir', data, '--install-extension', opts.vsix], {
      stdio: 'pipe',
      timeout: 120_000,
      env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'xdg'), XDG_DATA_HOME: path.join(dir, 'xdg') },
    });
  } else {
    fs.symlinkSync(ROOT, path.join(ext, 'rollout-lens.rollout-lens-0.1.0'));
  }
  if (opts.hostTests) installHostTests(ext, opts.hostTests);
  fs.writeFileSync(
    path.join(data, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'workbench.enableExperiments': false,
      'chat.disableAIFeatures': true,
      // VS Code 1.139 still opens an empty secondary side bar without chat: the shots need the room.
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      ...opts.settings,
    }),
  );
  // Machine-scoped settings (rolloutLens.databasePath is machine-overridable) belong to the remote
  // machine's own settings: VS Code 1.139 drops User values of that scope in a remote window once
  // the window has loaded, as a user's Remote-SSH setup would.
  fs.mkdirSync(path.join(data, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(data, 'Machine', 'settings.json'), JSON.stringify(opts.settings));
  const port = await freePort();
  const logFile = path.join(dir, 'code-server.log');
  const out = fs.openSync(logFile, 'w');
  const child = spawn(
    CODE_SERVER_NODE,
    codeServerArgs({ entry: ENTRY, port, config: path.join(dir, 'config.yaml'), data, extensions: ext, workspace }),
    {
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(dir, 'xdg'),
        XDG_DATA_HOME: path.join(dir, 'xdg'),
        ...(ENGINE_DRIVER ? { ROLLOUT_LENS_SQLITE_DRIVER: ENGINE_DRIVER } : {}),
        ...opts.env,
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthz(child, url, logFile);
  return { url, port, dir, workspace, extensionsDir: ext, log: () => fs.readFileSync(logFile, 'utf8'), stop: () => stopGroup(child) };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    env: { ...process.env, XDG_CONFIG_HOME: tempDir('rl-chromium-') },
    timeout: 30_000,
  });
}

/** Console errors of the page, without the known-harmless ones of open-source builds. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const t = m.text();
    // vsda is absent from open-source builds; newer workbenches ask open-vsx.org for Copilot Chat's
    // version, and there is no network here (ENOTFOUND); code-server 4.117's built-in git extension
    // lacks its @vscode/fs-copyfile module; VS Code 1.139 waits for a GitHub sign-in provider that no
    // extension here registers. None of these is this extension's.
    if (/vsda|Failed to load resource|ERR_NAME_NOT_RESOLVED|ENOTFOUND|open-vsx\.org|An unknown error occurred/.test(t)) return;
    if (/Timed out waiting for authentication provider 'github' to register/.test(t)) return;
    if (/Activating extension 'vscode\.git' failed: Cannot find module '@vscode\/fs-copyfile'/.test(t)) return;
    errors.push(t);
  });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // The extension host needs a moment after the workbench paints.
  await page.waitForSelector('.statusbar', { timeout: 30_000 });
}

export async function runPaletteCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // An editor that opens as the key goes down (a README preview at startup) can take the keystroke;
  // a user then presses F1 again.
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    const shown = await input.waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (attempt === 2) throw new Error(`the command palette did not open for "${title}"`);
  }
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The log files VS Code wrote for this server (window, extension host, output channels), `*.log` by default. */
export function logFiles(server: Pick<CodeServer, 'dir'>, pattern = /\.log$/): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (pattern.test(e.name)) out.push(p);
    }
  };
  walk(path.join(server.dir, 'data', 'logs'));
  return out;
}

/**
 * Runs the extension-host tests (test/e2e/host, bundled to `bundle`) inside the real extension host.
 * They come as a small extension of their own in the server's extensions folder, activated when the
 * workbench has started: the same in every VS Code generation (the `extensionTestsPath` route of
 * the workbench URL stopped starting tests in code-server 4.139). The first window opened runs them.
 */
export function installHostTests(extensionsDir: string, bundle: string): void {
  const folder = 'rollout-lens-e2e.host-tests-0.0.1';
  const dir = path.join(extensionsDir, folder);
  // Once `--install-extension` has written extensions.json, VS Code loads only the extensions it
  // lists: the test extension is listed too, in the same shape as the installed one.
  const manifest = path.join(extensionsDir, 'extensions.json');
  if (fs.existsSync(manifest)) {
    const entries = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Array<Record<string, unknown>>;
    const like = entries[0];
    if (like) {
      entries.push({
        ...like,
        identifier: { id: 'rollout-lens-e2e.host-tests' },
        version: '0.0.1',
        location: { $mid: 1, fsPath: dir, external: `file://${dir}`, path: dir, scheme: 'file' },
        relativeLocation: folder,
        metadata: { installedTimestamp: Date.now(), source: 'vsix' },
      });
      fs.writeFileSync(manifest, JSON.stringify(entries));
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'host-tests',
      publisher: 'rollout-lens-e2e',
      version: '0.0.1',
      engines: { vscode: '^1.100.0' },
      activationEvents: ['onStartupFinished'],
      main: './extension.js',
      extensionDependencies: ['rollout-lens.rollout-lens'],
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'extension.js'),
    // Every window activates it: only the first (the one that takes the marker file) runs the tests.
    `const fs = require('fs');\nexports.activate = () => {\n  try { fs.writeFileSync(${JSON.stringify(bundle + '.started')}, String(process.pid), { flag: 'wx' }); } catch { return; }\n` +
      // The workbench can hand the extension host user settings after startup (VS Code 1.139): wait
      // for the test database setting, so the tests see the engine that has it open.
      `  const cfg = () => require('vscode').workspace.getConfiguration('rolloutLens').get('databasePath');\n` +
      `  const t0 = Date.now();\n` +
      `  const go = () => (cfg() || Date.now() - t0 > 30000 ? require(${JSON.stringify(bundle)}).run().catch((e) => console.error('host tests failed', e)) : setTimeout(go, 200));\n` +
      `  setTimeout(go, 0);\n};\n`,
  );
}

export async function waitForFile(file: string, timeoutMs: number): Promise<boolean> {
  const t0 = Date.now();
  while (!fs.existsSync(file) && Date.now() - t0 < timeoutMs) await sleep(250);
  return fs.existsSync(file);
}

/** A screenshot that, with ROLLOUT_LENS_DOCS_IMAGES=1, also becomes docs/images/<name>.png (the README's pictures). */
export async function docsShot(page: Page, name: string): Promise<void> {
  const file = await screenshot(page, name);
  if (process.env['ROLLOUT_LENS_DOCS_IMAGES'] === '1') fs.copyFileSync(file, path.join(ROOT, 'docs', 'images', `${name}.png`));
}

/** code-server on `db` in the dark theme, a 1440×900 page on its workbench, Rollout Lens's side bar open. */
export async function openLens(db: string): Promise<{ server: CodeServer; browser: Browser; page: Page }> {
  const server = await startCodeServer({ settings: { 'rolloutLens.databasePath': db, 'workbench.colorTheme': 'Default Dark Modern' } });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
  await waitForWorkbench(page);
  await page.locator('.activitybar .action-item a[aria-label="Rollout Lens"]').click({ timeout: 20_000 });
  return { server, browser, page };
}
