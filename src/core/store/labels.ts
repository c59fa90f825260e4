// Labels on groups and samples, stored by the sample's identity (run name, split, step, group uid,
// sample index; -1 for the group) so they outlive re-ingest, re-score and deleting the run
// (docs/architecture.md#labels). Parameterised SQL only.
import * as os from 'node:os';
import { ErrorCode, LensError } from '../../shared/errors';
import {
  LABEL_NOTE_MAX,
  labelPlace,
  labelTagProblem,
  type GroupLabels,
  type LabelAddResult,
  type LabelEntry,
  type LabelTagCount,
  type LabelTarget,
} from '../../shared/labels';
import type { GroupRef, SampleRow } from '../../shared/explorer';
import type { Split } from '../../shared/rollout';
import { validateRunName, type Store } from './store';

const GROUP_INDEX = -1;

/** Whether a label's target is stored: its group, and for a sample label the sample in it. */
const MISSING_SQL = `NOT EXISTS (
  SELECT 1 FROM runs r JOIN steps st ON st.run_id = r.id JOIN groups g ON g.step_id = st.id
   WHERE r.name = l.run AND st.split = l.split AND st.step = l.step AND g.uid = l.group_uid
     AND (l.sample_idx < 0 OR EXISTS (SELECT 1 FROM samples s WHERE s.group_id = g.id AND s.idx = l.sample_idx)))`;

/**
 * The explorer's label filter as a condition on `groups g`: a label of the tag on the group or on one
 * of its samples. Appends its one parameter to `params`, in the order the condition is added.
 */
export function labelledGroupSql(params: unknown[], tag: string): string {
  params.push(tag);
  return `EXISTS (
  SELECT 1 FROM steps lst JOIN runs lr ON lr.id = lst.run_id
    JOIN labels l ON l.run = lr.name AND l.split = lst.split AND l.step = lst.step
   WHERE lst.id = g.step_id AND l.group_uid = g.uid AND l.tag = ?)`;
}

/**
 * The stored samples of a run and split that carry the tag, on themselves or on their group (the
 * sample filter's rule): the label source of an export or a failure-cluster selection.
 */
export function labelledSampleIds(store: Store, run: string, split: Split, tag: string): Set<number> {
  const ids = store.db
    .prepare(
      `SELECT s.id FROM labels l
         JOIN runs r ON r.name = l.run JOIN steps st ON st.run_id = r.id AND st.split = l.split AND st.step = l.step
         JOIN groups g ON g.step_id = st.id AND g.uid = l.group_uid
         JOIN samples s ON s.group_id = g.id AND (l.sample_idx < 0 OR s.idx = l.sample_idx)
        WHERE l.run = ? AND l.split = ? AND l.tag = ?`,
    )
    .pluck()
    .all(run, split, tag) as number[];
  return new Set(ids);
}

interface StoredLabel {
  run: string;
  split: Split;
  step: number;
  group_uid: string;
  sample_idx: number;
  tag: string;
  note: string;
  created_at: string;
  created_by: string;
  missing: number;
}

function entry(r: StoredLabel): LabelEntry {
  return {
    run: r.run,
    split: r.split,
    step: r.step,
    group: r.group_uid,
    index: r.sample_idx < 0 ? null : r.sample_idx,
    tag: r.tag,
    note: r.note,
    created_at: r.created_at,
    created_by: r.created_by,
    missing: r.missing === 1,
  };
}

function requireTag(tag: string): string {
  const problem = labelTagProblem(tag);
  if (problem) throw new LensError(ErrorCode.BadInput, problem);
  return tag;
}

/** The OS user (os.userInfo can throw where the uid has no passwd entry, e.g. in some containers). */
export function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown';
  }
}

/**
 * Puts tag `tag` on a group or sample that is stored. Adding a tag the target already has keeps the
 * one label (and who made it when); a non-empty note replaces its note.
 */
export function addLabel(
  store: Store,
  target: LabelTarget,
  tag: string,
  opts: { note?: string; user?: string; now?: Date } = {},
): LabelAddResult {
  requireTag(tag);
  const note = opts.note ?? '';
  if (note.length > LABEL_NOTE_MAX) throw new LensError(ErrorCode.BadInput, `a label note is at most ${LABEL_NOTE_MAX} characters`);
  const gid = store.db
    .prepare(
      `SELECT g.id FROM groups g JOIN steps st ON st.id = g.step_id JOIN runs r ON r.id = st.run_id
        WHERE r.name = ? AND st.split = ? AND st.step = ? AND g.uid = ?`,
    )
    .pluck()
    .get(target.run, target.split, target.step, target.group) as number | undefined;
  if (gid === undefined) throw new LensError(ErrorCode.NotFound, `${target.run}: ${labelPlace({ ...target, index: null })} is not stored`);
  const index = target.index ?? GROUP_INDEX;
  if (target.index !== undefined) {
    const there = store.db.prepare('SELECT 1 FROM samples WHERE group_id = ? AND idx = ?').get(gid, target.index);
    if (!there) throw new LensError(ErrorCode.NotFound, `${target.run}: ${labelPlace(target)} is not stored`);
  }
  const key = [target.run, target.split, target.step, target.group, index, tag] as const;
  const added = store.write(() => {
    const r = store.db
      .prepare(
        `INSERT INTO labels (run, split, step, group_uid, sample_idx, tag, note, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run, split, step, group_uid, sample_idx, tag) DO NOTHING`,
      )
      .run(...key, note, (opts.now ?? new Date()).toISOString(), opts.user ?? osUser());
    if (r.changes === 0 && note !== '') {
      store.db
        .prepare('UPDATE labels SET note = ? WHERE run = ? AND split = ? AND step = ? AND group_uid = ? AND sample_idx = ? AND tag = ?')
        .run(note, ...key);
    }
    return r.changes === 1;
  });
  const label = listLabels(store, { run: target.run, split: target.split, step: target.step, group: target.group }).find(
    (l) => l.tag === tag && (l.index ?? GROUP_INDEX) === index,
  )!;
  return { label, added };
}

/** Puts `tag` on each of these stored samples (a failure cluster's members) in one transaction; a sample that has it keeps its note. */
export function labelSamples(
  store: Store,
  sampleIds: readonly number[],
  tag: string,
  opts: { note?: string; user?: string; now?: Date } = {},
): { added: number; already: number } {
  requireTag(tag);
  const note = opts.note ?? '';
  if (note.length > LABEL_NOTE_MAX) throw new LensError(ErrorCode.BadInput, `a label note is at most ${LABEL_NOTE_MAX} characters`);
  const added = store.write(
    () =>
      store.db
        .prepare(
          `INSERT INTO labels (run, split, step, group_uid, sample_idx, tag, note, created_at, created_by)
           SELECT r.name, st.split, st.step, g.uid, s.idx, @tag, @note, @at, @by
             FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id JOIN runs r ON r.id = st.run_id
            WHERE s.id IN (SELECT value FROM json_each(@ids))
           ON CONFLICT (run, split, step, group_uid, sample_idx, tag) DO NOTHING`,
        )
        .run({ ids: JSON.stringify(sampleIds), tag, note, at: (opts.now ?? new Date()).toISOString(), by: opts.user ?? osUser() }).changes,
  );
  return { added, already: sampleIds.length - added };
}

/** Takes tag `tag` off a group or sample, stored or not; says whether there was such a label. */
export function removeLabel(store: Store, target: LabelTarget, tag: string): boolean {
  validateRunName(target.run);
  requireTag(tag);
  return store.write(
    () =>
      store.db
        .prepare('DELETE FROM labels WHERE run = ? AND split = ? AND step = ? AND group_uid = ? AND sample_idx = ? AND tag = ?')
        .run(target.run, target.split, target.step, target.group, target.index ?? GROUP_INDEX, tag).changes === 1,
  );
}

export interface LabelQuery {
  run: string;
  tag?: string | undefined;
  split?: Split | undefined;
  step?: number | undefined;
  group?: string | undefined;
  /** Words the tag or the note contains (case-insensitive, as typed: no query syntax). */
  text?: string | undefined;
}

/**
 * A run's labels (the run need not be stored any more), in step, group and sample order; each says
 * whether its group or sample is still stored.
 */
export function listLabels(store: Store, q: LabelQuery): LabelEntry[] {
  validateRunName(q.run);
  if (q.tag !== undefined) requireTag(q.tag);
  const rows = store.db
    .prepare(
      `SELECT l.run, l.split, l.step, l.group_uid, l.sample_idx, l.tag, l.note, l.created_at, l.created_by, ${MISSING_SQL} AS missing
         FROM labels l
        WHERE l.run = ? AND (? IS NULL OR l.tag = ?) AND (? IS NULL OR l.split = ?) AND (? IS NULL OR l.step = ?)
          AND (? IS NULL OR l.group_uid = ?)
          AND (? IS NULL OR instr(lower(l.tag), lower(?)) > 0 OR instr(lower(l.note), lower(?)) > 0)
        ORDER BY l.split, l.step, l.group_uid, l.sample_idx, l.tag`,
    )
    .all(
      q.run,
      ...[q.tag, q.split, q.step, q.group].flatMap((v) => [v ?? null, v ?? null]),
      ...[q.text, q.text, q.text].map((v) => v ?? null),
    ) as StoredLabel[];
  return rows.map(entry);
}

/** The run's tags, most used first, with how many labels carry each and how many of those are missing. */
export function labelTags(store: Store, run: string): LabelTagCount[] {
  const counts = new Map<string, LabelTagCount>();
  for (const l of listLabels(store, { run })) {
    const c = counts.get(l.tag) ?? { tag: l.tag, count: 0, missing: 0 };
    c.count++;
    if (l.missing) c.missing++;
    counts.set(l.tag, c);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

/** One group's labels: on the group, and per sample (in index order). */
export function groupLabels(store: Store, ref: GroupRef): GroupLabels {
  const all = listLabels(store, { run: ref.run, split: ref.split, step: ref.step, group: ref.group });
  const samples = new Map<number, LabelEntry[]>();
  for (const l of all) if (l.index !== null) samples.set(l.index, [...(samples.get(l.index) ?? []), l]);
  return {
    group: all.filter((l) => l.index === null),
    samples: [...samples.entries()].sort((a, b) => a[0] - b[0]).map(([index, labels]) => ({ index, labels })),
  };
}

/**
 * A group's sample rows with the tags of their labels, and under a label filter only those with the
 * tag: a label on the whole group counts as a label on each of its samples.
 */
export function labelSampleRows(store: Store, ref: GroupRef, rows: SampleRow[], tag: string | undefined): SampleRow[] {
  const labels = groupLabels(store, ref);
  const tagsOf = new Map(labels.samples.map((s) => [s.index, s.labels.map((l) => l.tag)]));
  const onGroup = tag !== undefined && labels.group.some((l) => l.tag === tag);
  return rows
    .filter((r) => tag === undefined || onGroup || (tagsOf.get(r.index) ?? []).includes(tag))
    .map((r) => {
      const tags = tagsOf.get(r.index);
      return tags ? { ...r, labels: tags } : r;
    });
}

/**
 * The tags on each group of a run (on the group or any of its samples), as a GroupRow's `labels`
 * field: one read for a page of groups, however many it has.
 */
export function groupLabelTags(
  store: Store,
  run: string,
  step?: number,
): (split: Split, step: number, group: string) => { labels?: string[] } {
  const rows = store.db
    .prepare(
      `SELECT split, step, group_uid, group_concat(DISTINCT tag) AS tags FROM labels
        WHERE run = ? AND (? IS NULL OR step = ?) GROUP BY split, step, group_uid`,
    )
    .all(run, step ?? null, step ?? null) as Array<{ split: Split; step: number; group_uid: string; tags: string }>;
  const key = (split: Split, step: number, group: string): string => `${split}\u0000${step}\u0000${group}`;
  const tags = new Map(rows.map((r) => [key(r.split, r.step, r.group_uid), r.tags.split(',').sort()]));
  return (split, step, group) => {
    const t = tags.get(key(split, step, group));
    return t ? { labels: t } : {};
  };
}
