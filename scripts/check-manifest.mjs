// Manifest drift check: every command, view and setting contributed in package.json is used in
// src/extension, and every command the code registers is contributed; the settings whose choices are
// defined in src/shared (alert thresholds, reflection presets and modes) say in package.json what
// the definitions say. `node scripts/check-manifest.mjs`.
// It also runs the docs reference check (scripts/check-docs.mjs), so a dangling citation fails too.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkDocs } from './check-docs.mjs';

/** Where the definitions live, relative to the repository root. */
const ALERTS_SOURCE = 'src/shared/alerts.ts';
const REFLECTION_SOURCE = 'src/shared/reflection.ts';
/** What package.json states of a defined setting, and so what is compared. */
const COMPARED = ['type', 'default', 'minimum', 'maximum', 'enum'];

function sources(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(fs.readFileSync(p, 'utf8'));
  }
  return out;
}

/**
 * The definitions' own values: the TypeScript sources compiled in memory (no build needed), so what is
 * checked is what the engine and the extension run with.
 */
export async function loadDefinitions(root) {
  const load = async (rel) => {
    const out = await esbuild.build({
      entryPoints: [path.join(root, rel)],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
    });
    return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  };
  const [alerts, reflection] = await Promise.all([load(ALERTS_SOURCE), load(REFLECTION_SOURCE)]);
  return { alerts, reflection };
}

/**
 * The settings package.json must state as the definitions do, by key: what it must say of each and
 * which file defines it. `families`: a setting whose key starts with one of their prefixes must be
 * defined (a threshold in package.json alone would reach no detector). `loopRead`: keys no code
 * names, as the config reader reads them by looping over the definitions in the function `via`.
 */
export function definedSettings({ alerts, reflection }) {
  const settings = new Map();
  settings.set('rolloutLens.alerts.enabled', { source: ALERTS_SOURCE, want: { type: 'boolean', default: alerts.DEFAULT_ALERTS_ENABLED } });
  const loopRead = new Set();
  for (const [name, d] of Object.entries(alerts.ALERT_THRESHOLD_DEFS)) {
    const key = `rolloutLens.alerts.${name}`;
    const want = { type: d.integer ? 'integer' : 'number', default: d.default, minimum: d.min, maximum: d.max };
    settings.set(key, { source: ALERTS_SOURCE, want });
    loopRead.add(key);
  }
  settings.set('rolloutLens.reflection.preset', {
    source: REFLECTION_SOURCE,
    want: { type: 'string', default: reflection.DEFAULT_REFLECTION_PRESET, enum: [...reflection.REFLECTION_PRESET_IDS] },
  });
  settings.set('rolloutLens.reflection.mode', {
    source: REFLECTION_SOURCE,
    want: { type: 'string', default: reflection.DEFAULT_REFLECTION_MODE, enum: [...reflection.REFLECTION_MODES] },
  });
  return {
    settings,
    families: [{ prefix: 'rolloutLens.alerts.', source: ALERTS_SOURCE }],
    loopRead: { keys: loopRead, via: 'thresholdsFromSettings' },
  };
}

/** Differences between package.json's settings and the definitions (definedSettings), one line each. */
export function checkDefinedSettings(properties, defined) {
  const problems = [];
  const show = (v) => (v === undefined ? 'nothing' : JSON.stringify(v));
  for (const [key, { source, want }] of defined.settings) {
    const got = properties[key];
    if (got === undefined) {
      problems.push(`setting ${key} is defined in ${source} but not contributed`);
      continue;
    }
    for (const field of COMPARED) {
      if (JSON.stringify(got[field]) !== JSON.stringify(want[field]))
        problems.push(`setting ${key}: package.json has ${field} ${show(got[field])}, ${source} defines ${show(want[field])}`);
    }
  }
  for (const key of Object.keys(properties)) {
    const family = defined.families.find((f) => key.startsWith(f.prefix));
    if (family && !defined.settings.has(key)) problems.push(`setting ${key} is contributed but not defined in ${family.source}`);
  }
  return problems;
}

/**
 * Returns a list of problems (empty when the manifest and the code agree). With `defined`
 * (definedSettings), the settings it covers are checked against it too.
 */
export function checkManifest(pkg, code, defined) {
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
      const read = defined?.loopRead.keys.has(key)
        ? code.includes(`${defined.loopRead.via}(`)
        : code.includes(`'${short}'`) || code.includes(`'${key}'`);
      if (!read) problems.push(`setting ${key} is contributed but never read`);
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
  if (defined)
    problems.push(...checkDefinedSettings(Object.assign({}, ...(c.configuration ?? []).map((s) => s.properties ?? {})), defined));
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const defined = definedSettings(await loadDefinitions(root));
  const problems = checkManifest(pkg, sources(path.join(root, 'src', 'extension')).join('\n'), defined);
  for (const p of problems) console.error(`manifest: ${p}`);
  if (problems.length === 0)
    console.log('manifest: contributed commands, views and settings match the code and the definitions in src/shared');
  const docProblems = checkDocs(root);
  for (const p of docProblems) console.error(`docs: ${p}`);
  if (docProblems.length === 0) console.log('docs: every cited document and section exists');
  process.exitCode = problems.length || docProblems.length ? 1 : 0;
}
