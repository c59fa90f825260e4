// Manifest drift check: every command, view and setting contributed in package.json is used in
// src/extension, and every command the code registers is contributed. `node scripts/check-manifest.mjs`.
// It also runs the docs reference check (scripts/check-docs.mjs), so a dangling citation fails too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkDocs } from './check-docs.mjs';

function sources(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(fs.readFileSync(p, 'utf8'));
  }
  return out;
}

/** Returns a list of problems (empty when the manifest and the code agree). */
export function checkManifest(pkg, code) {
  const problems = [];
  const c = pkg.contributes ?? {};
  const contributed = new Set((c.commands ?? []).map((x) => x.command));
  const registered = new Set([...code.matchAll(/(?:reg|registerCommand)\(\s*'(rolloutLens\.[A-Za-z0-9.]+)'/g)].map((m) => m[1]));
  for (const id of contributed) if (!registered.has(id)) problems.push(`command ${id} is contributed but never registered`);
  for (const id of registered) if (!contributed.has(id)) problems.push(`command ${id} is registered but not contributed`);
  for (const [where, items] of Object.entries(c.menus ?? {})) {
    for (const m of items) if (m.command && !contributed.has(m.command)) problems.push(`menu ${where} names unknown command ${m.command}`);
  }
  for (const views of Object.values(c.views ?? {})) {
    for (const v of views) if (!code.includes(`'${v.id}'`)) problems.push(`view ${v.id} is contributed but no code creates it`);
  }
  for (const section of c.configuration ?? []) {
    for (const key of Object.keys(section.properties ?? {})) {
      const short = key.replace(/^rolloutLens\./, '');
      if (!code.includes(`'${short}'`) && !code.includes(`'${key}'`)) problems.push(`setting ${key} is contributed but never read`);
    }
  }
  // Settings of other extensions (getConfiguration('python')…) are theirs, not ours to contribute.
  const settingsRead = [...code.matchAll(/(?<!getConfiguration\('(?!rolloutLens')[A-Za-z]+'\))\.get<[^>]*>\(\s*'([A-Za-z0-9.]+)'/g)].map(
    (m) => `rolloutLens.${m[1]}`,
  );
  const settingKeys = new Set((c.configuration ?? []).flatMap((s) => Object.keys(s.properties ?? {})));
  for (const k of settingsRead) if (!settingKeys.has(k)) problems.push(`setting ${k} is read but not contributed`);
  for (const w of c.viewsWelcome ?? []) {
    for (const m of w.contents.matchAll(/command:([A-Za-z0-9.]+)/g))
      if (m[1].startsWith('rolloutLens.') && !contributed.has(m[1])) problems.push(`welcome view links unknown command ${m[1]}`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const problems = checkManifest(pkg, sources(path.join(root, 'src', 'extension')).join('\n'));
  for (const p of problems) console.error(`manifest: ${p}`);
  if (problems.length === 0) console.log('manifest: contributed commands, views and settings match the code');
  const docProblems = checkDocs(root);
  for (const p of docProblems) console.error(`docs: ${p}`);
  if (docProblems.length === 0) console.log('docs: every cited document and section exists');
  process.exitCode = problems.length || docProblems.length ? 1 : 0;
}
