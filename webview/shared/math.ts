// Math in rollout text: find $…$, $$…$$, \(…\) and \[…\] spans and render them with KaTeX where
// they parse. KaTeX builds DOM nodes itself (katex.render, not renderToString + innerHTML), with
// trust off (no \href, \url, \includegraphics, \htmlClass…), strict mode, and errors shown as the
// raw source in the theme's error colour.
import katex from 'katex';
// KaTeX's stylesheet (and its fonts, served from dist/webview) also hides the MathML copy it emits for screen readers.
import 'katex/dist/katex.min.css';

export interface MathSpan {
  start: number;
  end: number;
  /** The TeX between the delimiters. */
  tex: string;
  display: boolean;
}

/** Longer spans are left as text: a runaway "$" pair would otherwise swallow a page. */
const MAX_TEX = 2000;

const PAIRS: ReadonlyArray<{ open: string; close: string; display: boolean }> = [
  { open: '$$', close: '$$', display: true },
  { open: '\\[', close: '\\]', display: true },
  { open: '\\(', close: '\\)', display: false },
];

/** Math spans in order, non-overlapping. Inline $…$ follows pandoc's rule (no space inside the dollars, no digit after). */
export function findMath(text: string): MathSpan[] {
  const out: MathSpan[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 36 /* $ */ && c !== 92 /* \ */) {
      i++;
      continue;
    }
    let matched = false;
    for (const p of PAIRS) {
      if (!text.startsWith(p.open, i)) continue;
      const close = text.indexOf(p.close, i + p.open.length);
      if (close < 0 || close - i > MAX_TEX) break;
      const tex = text.slice(i + p.open.length, close);
      if (tex.trim()) {
        out.push({ start: i, end: close + p.close.length, tex, display: p.display });
        i = close + p.close.length;
        matched = true;
      }
      break;
    }
    if (matched) continue;
    if (c === 92) {
      i += 2; // an escaped character (\$ included) is never a delimiter
      continue;
    }
    if (c === 36 && i + 1 < n && !/\s/.test(text.charAt(i + 1))) {
      let j = i + 1;
      let found = -1;
      while (j < n && j - i <= MAX_TEX) {
        const cj = text.charCodeAt(j);
        if (cj === 92) {
          j += 2;
          continue;
        }
        if (cj === 10 && text.charCodeAt(j + 1) === 10) break; // a paragraph break ends inline math
        if (cj === 36) {
          if (!/\s/.test(text.charAt(j - 1)) && !/[0-9]/.test(text.charAt(j + 1))) found = j;
          break;
        }
        j++;
      }
      if (found > i + 1) {
        out.push({ start: i, end: found + 1, tex: text.slice(i + 1, found), display: false });
        i = found + 1;
        continue;
      }
    }
    i++;
  }
  return out;
}

const OPTIONS = {
  trust: false,
  throwOnError: false,
  strict: 'error',
  errorColor: 'var(--vscode-errorForeground)',
  maxSize: 20,
  maxExpand: 500,
  output: 'htmlAndMathml',
} as const;

/** Commands KaTeX only honours with trust on; with trust off it drops their arguments, hiding what the model wrote. */
const NEEDS_TRUST = /\\(href|url|includegraphics|htmlClass|htmlId|htmlStyle|htmlData)(?![a-zA-Z])/;

/** Renders one span into `target`; math with link/HTML commands, or an unexpected failure, is shown as raw text. */
export function renderMath(target: HTMLElement, span: MathSpan, raw: string): void {
  target.title = raw.length > 300 ? raw.slice(0, 299) + '…' : raw;
  if (NEEDS_TRUST.test(span.tex)) {
    target.textContent = raw;
    target.classList.add('math-raw');
    return;
  }
  try {
    katex.render(span.tex, target, { ...OPTIONS, displayMode: span.display });
  } catch {
    target.textContent = raw;
  }
}
