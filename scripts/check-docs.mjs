// Docs reference check: every `docs/<file>.md#<anchor>` cited from code, tests, scripts or docs names a
// file of this repository and a section (heading or `<a id>`) that exists in it, and nothing cites a
// document that is not in the repository (numbered `§` sections, the project's private notes).
// Run by scripts/check-manifest.mjs; `node scripts/check-docs.mjs` alone works too.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SCANNED_DIRS = ['src', 'test', 'scripts', 'bench', 'webview', 'python', 'docs', 'examples', 'harness'];
const SCANNED_FILES = ['README.md', 'eslint.config.mjs', 'package.json'];
const TEXT = /\.(ts|mts|mjs|js|cjs|py|md|css|html|json|sh|toml|yml|yaml)$/;
const SKIP = new Set(['node_modules', 'dist', '.git', 'out', '.venv']);
/** Notes that live outside the repository: citing them leaves a newcomer with nothing to read. */
const OUTSIDE = /\b(?:DESIGN|ALGORITHMS|FORMATS|TESTING-ENV|STYLE)\.md\b|\/work\/shared\b|§/g;

function walk(root, rel, out) {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return;
  const st = fs.statSync(abs);
  if (st.isFile()) {
    // Fixtures are test input (they may quote anything); only their READMEs are documentation.
    const fixture = rel.split(path.sep).includes('fixtures');
    if (fixture ? /^README.*\.md$/.test(path.basename(rel)) : TEXT.test(rel)) out.push(rel);
    return;
  }
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    if (SKIP.has(e.name) || e.isSymbolicLink()) continue;
    walk(root, path.join(rel, e.name), out);
  }
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a Markdown file offers: its headings outside code fences, and `<a id>` / `name` tags. */
export function anchorsOf(markdown) {
  const anchors = new Set();
  const seen = new Map();
  // The open fence (its character and length): as in CommonMark, only a fence of the same character
  // at least as long closes it, so a ```` block may show ``` lines (a log that quotes Markdown).
  let fence = null;
  for (const line of markdown.split('\n')) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f && !fence) {
      fence = f[1];
      continue;
    }
    if (f && fence && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) {
      fence = null;
      continue;
    }
    if (fence) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = slug(h[1]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  }
  return anchors;
}

function lineOf(text, index) {
  return text.slice(0, index).split('\n').length;
}

/** Returns a list of problems, each naming the file and line (empty when every reference resolves). */
export function checkDocs(root) {
  const files = [];
  for (const d of SCANNED_DIRS) walk(root, d, files);
  for (const f of SCANNED_FILES) walk(root, f, files);
  const anchorCache = new Map();
  const anchorsFor = (rel) => {
    if (!anchorCache.has(rel)) {
      const abs = path.join(root, rel);
      anchorCache.set(rel, fs.existsSync(abs) ? anchorsOf(fs.readFileSync(abs, 'utf8')) : null);
    }
    return anchorCache.get(rel);
  };
  const problems = [];
  const check = (file, text, index, target, anchor, shown) => {
    const anchors = anchorsFor(target);
    if (anchors === null) problems.push([file, lineOf(text, index), `${shown} names ${target}, which does not exist`]);
    else if (anchor && !anchors.has(anchor)) problems.push([file, lineOf(text, index), `${shown}: ${target} has no section #${anchor}`]);
  };
  for (const file of files.sort()) {
    if (file === path.join('scripts', 'check-docs.mjs')) continue;
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(OUTSIDE)) {
      problems.push([file, lineOf(text, m.index), `"${m[0]}" cites a document outside this repository; cite docs/<file>.md#<section>`]);
    }
    // Repository-relative citations, as code comments write them: docs/x.md#a, and `#b` right after.
    for (const m of text.matchAll(/(?<![\w./-])(docs\/[\w./-]+\.md)((?:#[\w-]+)?)((?:,\s*#[\w-]+)*)/g)) {
      const target = path.normalize(m[1]);
      check(file, text, m.index, target, m[2].slice(1), m[0]);
      for (const more of m[3].matchAll(/#([\w-]+)/g)) check(file, text, m.index, target, more[1], m[0]);
    }
    if (!file.endsWith('.md')) continue;
    // Markdown links relative to the file: [t](other.md#a), [t](#a).
    for (const m of text.matchAll(/\]\(([^)\s#]*)(?:#([^)\s]+))?\)/g)) {
      const [, link, anchor] = m;
      if (/^[a-z]+:/i.test(link) || (link && !link.endsWith('.md'))) continue;
      const target = link ? path.normalize(path.join(path.dirname(file), link)) : file;
      if (target.startsWith('..')) {
        problems.push([file, lineOf(text, m.index), `link ${m[0].slice(1)} leaves the repository`]);
        continue;
      }
      check(file, text, m.index, target, anchor ?? '', m[0].slice(1));
    }
  }
  // By file, then line; a line's problems keep the order they were found in.
  return problems
    .map((p, i) => [...p, i])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[3] - b[3]))
    .map(([file, line, message]) => `${file}:${line}: ${message}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const problems = checkDocs(root);
  for (const p of problems) console.error(`docs: ${p}`);
  if (problems.length === 0) console.log('docs: every cited document and section exists');
  process.exitCode = problems.length ? 1 : 0;
}
