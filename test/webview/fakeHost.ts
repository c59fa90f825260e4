/// <reference lib="dom" />
// A fake VS Code host for the webview bundles in real headless Chromium. A tiny HTTP server on
// 127.0.0.1 serves dist/webview/ and, per app, the page that the real HTML/CSP builder makes, plus
// one nonce'd script that plays VS Code's part: it defines acquireVsCodeApi() (postMessage goes to
// the test through a Playwright binding, state is kept like vscode.setState), sets the theme's
// --vscode-* variables and body class, and records CSP violations. The test answers with the same
// protocol, validating every message the webview sends with the host's own parser.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildWebviewHtml, makeNonce, type WebviewApp } from '../../src/extension/webviews/html';
import { parseFromWebview, type InboundProtocol, type IpcMessage } from '../../src/shared/protocol/webviews/ipc';
import { ROOT, tempDir } from '../helpers';
import { THEMES, type ThemeName } from './themes';

export const ARTIFACTS = path.join(ROOT, '.artifacts', 'webview');
const BUNDLES = path.join(ROOT, 'dist', 'webview');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.html': 'text/html; charset=utf-8',
};

function fakeHostScript(): string {
  return `(() => {
  const THEMES = ${JSON.stringify(THEMES)};
  const theme = THEMES[new URLSearchParams(location.search).get('theme') || 'dark'];
  for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty(k, v);
  document.body.classList.add(theme.bodyClass);
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  let state = window.__rlInitialState;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called once');
    acquired = true;
    return {
      postMessage: (m) => window.__rlHost(JSON.parse(JSON.stringify(m))),
      getState: () => state,
      setState: (s) => { state = s; window.__rlSavedState = s; },
    };
  };
})();`;
}

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the bundles and the generated pages; the pages' HTML is also written to .artifacts/webview/pages. */
export async function startPageServer(): Promise<PageServer> {
  fs.mkdirSync(path.join(ARTIFACTS, 'pages'), { recursive: true });
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const page = /^\/(group|dashboard|rescore|timeline|clusters)\.html$/.exec(url.pathname);
    if (page) {
      const app = page[1] as WebviewApp;
      const nonce = makeNonce();
      const html = buildWebviewHtml({
        cspSource: origin,
        scriptUri: `${origin}/dist/${app}.js`,
        styleUri: `${origin}/dist/${app}.css`,
        title: app,
        nonce,
      }).replace(`<script nonce="${nonce}" src=`, `<script nonce="${nonce}" src="/fake-host.js"></script>\n<script nonce="${nonce}" src=`);
      fs.writeFileSync(path.join(ARTIFACTS, 'pages', `${app}.html`), html);
      send(200, TYPES['.html'] as string, html);
      return;
    }
    if (url.pathname === '/fake-host.js') return send(200, 'text/javascript', fakeHostScript());
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    const file = url.pathname.startsWith('/dist/') ? path.basename(url.pathname) : '';
    const full = path.join(BUNDLES, file);
    if (file && fs.existsSync(full)) return send(200, TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(full));
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function launchChromium(): Promise<BrowserContext> {
  if (!fs.existsSync(path.join(BUNDLES, 'group.js'))) throw new Error('dist/webview/*.js missing: run `node scripts/build.mjs` first');
  return chromium.launchPersistentContext(tempDir('rl-webview-profile-'), {
    executablePath: '/usr/bin/chromium',
    args: FLAGS,
    headless: true,
    env: { ...process.env, XDG_CONFIG_HOME: tempDir('rl-webview-xdg-') },
    viewport: { width: 1400, height: 900 },
    timeout: 30_000,
  });
}

export type Answer = (method: string, params: unknown) => unknown;

export interface OpenOptions {
  theme?: ThemeName;
  /** What vscode.getState() returns (a restored panel's checkpoint). */
  state?: unknown;
  /** Descriptors the real host accepts: every message is checked against them. */
  inbound: InboundProtocol;
  /** Called on `ready`: the snapshot to post (as a prepared JSON string, to keep big fixtures cheap). */
  onReady: (checkpoint: unknown) => { method: string; json: string } | undefined;
  onRequest?: Answer;
}

/** One webview page driven by the fake host. */
export class FakeHostPage {
  readonly received: IpcMessage[] = [];
  readonly invalid: string[] = [];
  readonly dialogs: string[] = [];
  readonly errors: string[] = [];

  private constructor(readonly page: Page) {}

  static async open(context: BrowserContext, server: PageServer, app: WebviewApp, opts: OpenOptions): Promise<FakeHostPage> {
    const page = await context.newPage();
    const host = new FakeHostPage(page);
    page.on('dialog', (d) => {
      host.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => host.errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') host.errors.push(m.text());
    });
    if (opts.state !== undefined)
      await page.addInitScript((s) => ((window as unknown as { __rlInitialState: unknown }).__rlInitialState = s), opts.state);
    await page.exposeBinding('__rlHost', async (_source, raw: unknown) => {
      const m = parseFromWebview(opts.inbound, raw);
      if (!m.ok) {
        host.invalid.push(m.error);
        return;
      }
      host.received.push(raw as IpcMessage);
      if (m.kind === 'notify' && m.method === 'ready') {
        const snap = opts.onReady((m.params as { checkpoint?: unknown }).checkpoint);
        if (snap) await host.postJson(snap.method, snap.json);
        return;
      }
      if (m.kind === 'request') {
        try {
          const result = await (opts.onRequest ?? (() => undefined))(m.method, m.params);
          await host.post({ kind: 'response', id: m.id, ok: true, result });
        } catch (e) {
          await host.post({ kind: 'response', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
        }
      }
    });
    await page.goto(`${server.url}/${app}.html?theme=${opts.theme ?? 'dark'}`);
    return host;
  }

  /** Posts a host message the way VS Code delivers it: a MessageEvent on window. */
  async post(m: IpcMessage): Promise<void> {
    await this.page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(m));
  }

  async postJson(method: string, paramsJson: string): Promise<void> {
    await this.page.evaluate(
      ([mth, json]) => window.postMessage({ kind: 'notify', method: mth, params: JSON.parse(json as string) }, '*'),
      [method, paramsJson],
    );
  }

  notifications(method: string): unknown[] {
    return this.received.filter((m) => m.kind === 'notify' && m.method === method).map((m) => (m as { params: unknown }).params);
  }

  async waitForNotification(method: string, timeoutMs = 10_000): Promise<unknown> {
    const t0 = Date.now();
    for (;;) {
      const hit = this.notifications(method).pop();
      if (hit !== undefined) return hit;
      if (Date.now() - t0 > timeoutMs) throw new Error(`no ${method} from the webview within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async waitForPaint(timeoutMs = 20_000): Promise<void> {
    await this.page.waitForSelector('body[data-painted="true"]', { timeout: timeoutMs });
  }

  /** Nothing the rollout text tried ran: no flag, no dialog, no CSP violation, no injected elements. */
  async securityReport(): Promise<{ pwned: unknown; dialogs: string[]; violations: string[]; injected: number; javascriptLinks: number }> {
    const inPage = await this.page.evaluate(() => {
      const w = window as unknown as { __pwned?: unknown; __cspViolations: string[] };
      return {
        pwned: w.__pwned ?? null,
        violations: w.__cspViolations,
        injected: document.querySelectorAll('#app script, #app img, #app iframe, #app object, #app embed').length,
        javascriptLinks: Array.from(document.querySelectorAll('a[href]')).filter((a) =>
          /^\s*javascript:/i.test(a.getAttribute('href') ?? ''),
        ).length,
      };
    });
    return { ...inPage, dialogs: this.dialogs };
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.page.close().catch(() => undefined);
  }
}
