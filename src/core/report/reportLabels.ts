// The labels a report shows and `report --label` picks a group by. Labels are a table of their own
// (issue #30 part 1: run, split, step, group_uid, sample_idx (-1: the whole group), tag, note,
// created_at, created_by). A database made before it has no such table: the report then says the
// database keeps no labels rather than failing, so this one small reader is all that depends on it.
import type { GroupRef } from '../../shared/explorer';
import type { Split } from '../../shared/rollout';
import type { ReportLabel } from '../../shared/report';
import type { Store } from '../store/store';

function hasLabels(store: Store): boolean {
  return store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'labels'").get() !== undefined;
}

interface LabelRow {
  sample_idx: number;
  tag: string;
  note: string;
  created_by: string;
  created_at: string;
}

/** The group's labels (on the group first, then by sample), or null when the database keeps none. */
export function groupLabels(store: Store, ref: GroupRef): ReportLabel[] | null {
  if (!hasLabels(store)) return null;
  const rows = store.db
    .prepare(
      `SELECT sample_idx, tag, note, created_by, created_at FROM labels
        WHERE run = ? AND split = ? AND step = ? AND group_uid = ? ORDER BY sample_idx, tag`,
    )
    .all(ref.run, ref.split, ref.step, ref.group) as LabelRow[];
  return rows.map((r) => ({
    index: r.sample_idx < 0 ? null : r.sample_idx,
    tag: r.tag,
    note: r.note,
    created_by: r.created_by,
    created_at: r.created_at,
  }));
}

/** The groups carrying a tag in a run (optionally one step and split), first step first. */
export function groupsLabelled(store: Store, run: string, tag: string, where: { step?: number; split?: Split }): GroupRef[] {
  if (!hasLabels(store)) return [];
  const rows = store.db
    .prepare(
      `SELECT DISTINCT split, step, group_uid FROM labels
        WHERE run = ? AND tag = ? AND (? IS NULL OR step = ?) AND (? IS NULL OR split = ?)
        ORDER BY step, split, group_uid`,
    )
    .all(run, tag, where.step ?? null, where.step ?? null, where.split ?? null, where.split ?? null) as Array<{
    split: Split;
    step: number;
    group_uid: string;
  }>;
  return rows.map((r) => ({ run, split: r.split, step: r.step, group: r.group_uid }));
}
