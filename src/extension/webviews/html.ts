// The one HTML and Content-Security-Policy builder for every Rollout Lens webview. No data is ever
// interpolated into script source: the page carries only the bundle's nonce'd <script src>, and the
// app asks for its data with the ready handshake. Pure (no vscode import), so tests build the same
// page for their fake host.
import { randomBytes } from 'node:crypto';

export type WebviewApp = 'group' | 'dashboard' | 'rescore' | 'timeline' | 'clusters';

export interface PageResources {
  /** webview.cspSource: the origin VS Code serves local resources from. */
  cspSource: string;
  /** webview.asWebviewUri(dist/webview/<app>.js) as a string. */
  scriptUri: string;
  /** webview.asWebviewUri(dist/webview/<app>.css) as a string. */
  styleUri: string;
  title: string;
  /** A fresh nonce per page load; generated when omitted. */
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The policy: nothing by default; the bundle by nonce; styles, fonts and images from the bundle
 * folder only. Styles also take the nonce because the UI toolkit (FAST) probes :focus-visible
 * support with a <style> element that it stamps with the nonce of <meta property="csp-nonce">.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const ATTR_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For the few host-made strings that go into attributes and the title (never rollout text). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ATTR_ESCAPES[c] as string);
}

export function buildWebviewHtml(r: PageResources): string {
  const nonce = r.nonce ?? makeNonce();
  if (!/^[A-Za-z0-9_-]+$/.test(nonce)) throw new Error('a nonce must be base64url');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(r.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${nonce}">
<link rel="stylesheet" href="${escapeHtml(r.styleUri)}">
<title>${escapeHtml(r.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="message">Loading…</p></main>
<script nonce="${nonce}" src="${escapeHtml(r.scriptUri)}"></script>
</body>
</html>`;
}
