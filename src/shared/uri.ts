// Typed paths for the `rollout-lens:` virtual documents and the tree's decoration URIs. Pure string
// codecs: the extension wraps them in vscode.Uri; tests run them without VS Code.
import type { GroupRef, SampleRef } from './explorer';
import type { Split } from './rollout';

export const DOC_SCHEME = 'rollout-lens';
export const TREE_SCHEME = 'rollout-lens-tree';

/** What a `rollout-lens:` document shows. */
export type LensDocument =
  | { kind: 'sample'; ref: SampleRef; part: 'response' | 'full' }
  | { kind: 'group'; ref: GroupRef }
  | { kind: 'rationale'; ref: SampleRef; set: string };

/**
 * vscode.Uri keeps `path` decoded and shows its last segment in editor tabs, so segments stay
 * readable: only '%' and '/' are escaped (what would break parsing); decodeURIComponent undoes it.
 */
const enc = (s: string): string => s.replace(/%/g, '%25').replace(/\//g, '%2F');

function splitOf(s: string | undefined): Split | undefined {
  return s === 'train' || s === 'val' ? s : undefined;
}

function intOf(s: string | undefined): number | undefined {
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined;
}

/** `sample 3 · step 12` → 3 (the number after the leading word). */
function indexOf(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /^(?:sample|rationale) (\d+)(?: · |$)/.exec(s);
  return m ? Number(m[1]) : undefined;
}

/**
 * The path (and query) of a document: `/sample/<run>/<split>/<step>/<group>/sample <index> · step <step>.md?part=full`.
 * The last segment is what an editor tab shows, so it names the sample; parsing reads its number.
 */
export function documentPath(d: LensDocument): { path: string; query: string } {
  switch (d.kind) {
    case 'sample': {
      const r = d.ref;
      return {
        path: `/sample/${enc(r.run)}/${r.split}/${r.step}/${enc(r.group)}/${enc(`sample ${r.index} · step ${r.step}`)}.md`,
        query: `part=${d.part}`,
      };
    }
    case 'group': {
      const r = d.ref;
      return { path: `/group/${enc(r.run)}/${r.split}/${r.step}/${enc(r.group)}/${enc(`group · step ${r.step}`)}.md`, query: '' };
    }
    case 'rationale': {
      const r = d.ref;
      return {
        path: `/rationale/${enc(r.run)}/${r.split}/${r.step}/${enc(r.group)}/${enc(`rationale ${r.index} · step ${r.step}`)}.md`,
        query: `set=${enc(d.set)}`,
      };
    }
  }
}

/** Parses a document path back; undefined for anything that is not one of ours. */
export function parseDocumentPath(path: string, query: string): LensDocument | undefined {
  const parts = path.replace(/\.md$/, '').split('/').slice(1);
  const params = new URLSearchParams(query);
  try {
    const [kind, run, splitS, stepS, group, indexS] = parts.map((p) => decodeURIComponent(p));
    const split = splitOf(splitS);
    const step = intOf(stepS);
    if (!run || !split || step === undefined || !group) return undefined;
    if (kind === 'group' && parts.length === 6) return { kind: 'group', ref: { run, split, step, group } };
    const index = indexOf(indexS);
    if (index === undefined || parts.length !== 6) return undefined;
    const ref = { run, split, step, group, index };
    if (kind === 'sample') return { kind: 'sample', ref, part: params.get('part') === 'full' ? 'full' : 'response' };
    if (kind === 'rationale') {
      const set = params.get('set');
      return set ? { kind: 'rationale', ref, set } : undefined;
    }
  } catch {
    return undefined; // malformed percent-encoding
  }
  return undefined;
}

/** Tree-item resource paths for badges: `/group/<run>/<split>/<step>/<group>` with flags in the query. */
export function groupBadgePath(
  ref: GroupRef,
  flags: { degenerate: boolean; truncated: boolean; tools?: boolean; dropped?: boolean; labels?: readonly string[] },
): { path: string; query: string } {
  return {
    path: `/group/${enc(ref.run)}/${ref.split}/${ref.step}/${enc(ref.group)}`,
    query: `degenerate=${flags.degenerate ? 1 : 0}&truncated=${flags.truncated ? 1 : 0}${flags.tools ? '&tools=1' : ''}${flags.dropped ? '&dropped=1' : ''}${labelsQuery(flags.labels)}`,
  };
}

/** A labelled sample's badge path: `/sample/<run>/<split>/<step>/<group>/<index>` with its tags in the query. */
export function sampleBadgePath(ref: SampleRef, labels: readonly string[]): { path: string; query: string } {
  return { path: `/sample/${enc(ref.run)}/${ref.split}/${ref.step}/${enc(ref.group)}/${ref.index}`, query: labelsQuery(labels).slice(1) };
}

/** Tags never hold a comma (src/shared/labels.ts), so a comma list is unambiguous. */
const labelsQuery = (labels: readonly string[] | undefined): string =>
  labels?.length ? `&labels=${encodeURIComponent(labels.join(','))}` : '';

/** A step's badge path: `/step/<run>/<split>/<step>` with the kinds of its alerts in the query. */
export function stepBadgePath(
  ref: { run: string; split: Split; step: number },
  alerts: readonly string[],
): { path: string; query: string } {
  return { path: `/step/${enc(ref.run)}/${ref.split}/${ref.step}`, query: `alerts=${encodeURIComponent(alerts.join(','))}` };
}

export function parseBadgeQuery(query: string): {
  degenerate: boolean;
  truncated: boolean;
  tools: boolean;
  dropped: boolean;
  alerts: string[];
  labels: string[];
} {
  const p = new URLSearchParams(query);
  const alerts = p.get('alerts');
  const labels = p.get('labels');
  return {
    degenerate: p.get('degenerate') === '1',
    truncated: p.get('truncated') === '1',
    tools: p.get('tools') === '1',
    dropped: p.get('dropped') === '1',
    alerts: alerts ? alerts.split(',') : [],
    labels: labels ? labels.split(',') : [],
  };
}
