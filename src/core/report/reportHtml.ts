// A shared report's page: one HTML file that needs nothing else. The group view's and the
// dashboard's built bundles (dist/webview/*.js, *.css) and the report's data ride in
// type="application/json" blocks, which a browser never runs; the one script that runs is the
// report host (dist/webview/report.js), under a nonce, and it starts the app the page shows. The
// policy allows nothing else: no request leaves the page, and rollout text reaches the DOM only as
// text (the bundles' own rule). KaTeX's fonts are inlined as data: URIs so math renders offline.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, LensError } from '../../shared/errors';
import { REPORT_DATA_ID, reportAppId, type ReportApp, type ReportBundle, type ReportData } from '../../shared/report';

const ATTR_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** For the few strings that go into attributes and the title (the run's name among them). */
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ATTR_ESCAPES[c] as string);
const makeNonce = (): string => randomBytes(18).toString('base64url');

/** The folder with the built webview bundles: beside dist/cli.js and dist/engine.js, or dist/webview from the source tree. */
export function webviewBundleDir(): string {
  const candidates = [path.join(__dirname, 'webview'), path.resolve(__dirname, '..', '..', '..', 'dist', 'webview')];
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'report.js')));
  if (!found)
    throw new LensError(
      ErrorCode.BadInput,
      `the webview bundles are missing (looked in ${candidates.join(', ')}): run node scripts/build.mjs`,
    );
  return found;
}

export function reportPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The UI toolkit stamps its probe <style> with the nonce of <meta property="csp-nonce">.
    `style-src 'nonce-${nonce}'`,
    'font-src data:',
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** JSON that cannot end its <script> block or open a comment there: `<` is written as \u003c. */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function readBundle(dir: string, app: string): ReportBundle {
  const read = (file: string): string => {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) throw new LensError(ErrorCode.BadInput, `${full} is missing: run node scripts/build.mjs`);
    // A source map comment would only make a browser's developer tools look for a file that is not there.
    return fs.readFileSync(full, 'utf8').replace(/\n?\/[/*]# sourceMappingURL=\S+(?: \*\/)?\s*$/, '');
  };
  const css = read(`${app}.css`).replace(/url\("\.\/([A-Za-z0-9_.-]+\.woff2)"\)/g, (whole, font: string) => {
    const file = path.join(dir, font);
    return fs.existsSync(file) ? `url("data:font/woff2;base64,${fs.readFileSync(file).toString('base64')}")` : whole;
  });
  return { js: read(`${app}.js`), css };
}

export function reportHtml(data: ReportData, dir = webviewBundleDir(), nonce = makeNonce()): string {
  const host = readBundle(dir, 'report');
  // The one script that runs inline: text that would end its element early is a build fault, not data.
  if (/<\/script|<!--/i.test(host.js)) throw new Error('the report host bundle cannot be inlined: it contains </script or <!--');
  const apps: ReportApp[] = ['group', 'dashboard'];
  const { ref } = data.group;
  const title = `${ref.run} · step ${ref.step}${ref.split === 'val' ? ' (val)' : ''} · group ${ref.group}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(reportPolicy(nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${nonce}">
<meta name="generator" content="Rollout Lens ${escapeHtml(data.version)}">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${host.css}</style>
</head>
<body>
<main id="app" aria-busy="true"><p class="message">Loading… (this report needs JavaScript)</p></main>
<script type="application/json" id="${REPORT_DATA_ID}">${jsonForScriptBlock(data)}</script>
${apps.map((app) => `<script type="application/json" id="${reportAppId(app)}">${jsonForScriptBlock(readBundle(dir, app))}</script>`).join('\n')}
<script nonce="${nonce}">${host.js}</script>
</body>
</html>
`;
}
