// Labels: a short tag and a free-text note a person puts on a group or one of its samples
// (docs/architecture.md#labels). Shared by the store, the engine, the CLI, the host and the webviews.
import type { GroupRef } from './explorer';
import type { Split } from './rollout';

/** Tags are words, not prose: they name a kind of finding (reward-hack, bad-gt, truncated-good). */
export const LABEL_TAG_MAX = 40;
export const LABEL_NOTE_MAX = 2000;
const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** Why `tag` is not a valid tag, or undefined when it is. */
export function labelTagProblem(tag: string): string | undefined {
  if (tag.length === 0) return 'a label tag cannot be empty';
  if (tag.length > LABEL_TAG_MAX) return `a label tag is at most ${LABEL_TAG_MAX} characters, got ${tag.length}`;
  if (!TAG_PATTERN.test(tag)) {
    return `invalid label tag ${JSON.stringify(tag)}: use letters, digits and . _ : -, starting with a letter or digit (e.g. reward-hack)`;
  }
  return undefined;
}

/** What a label is on: a group, or one sample of it when `index` is given. */
export interface LabelTarget extends GroupRef {
  index?: number;
}

export interface LabelEntry {
  run: string;
  split: Split;
  step: number;
  group: string;
  /** The sample's index in its group; null for a label on the whole group. */
  index: number | null;
  tag: string;
  note: string;
  /** ISO 8601, UTC. */
  created_at: string;
  /** The OS user who added it. */
  created_by: string;
  /** The group or sample is no longer stored (its run was deleted, or re-ingested without it). */
  missing: boolean;
}

/** A tag of a run with how many labels carry it, and how many of those point at nothing stored. */
export interface LabelTagCount {
  tag: string;
  count: number;
  missing: number;
}

/** A group's labels: those on the group itself and, per sample index, those on its samples. */
export interface GroupLabels {
  group: LabelEntry[];
  samples: Array<{ index: number; labels: LabelEntry[] }>;
}

/** What adding did: `added` false when the tag was already there (its note is replaced when one is given). */
export interface LabelAddResult {
  label: LabelEntry;
  added: boolean;
}

/** "step 3 group g7 sample 2": where a label is, in the words the explorer uses. */
export function labelPlace(t: { split: Split; step: number; group: string; index?: number | null | undefined }): string {
  const where = `${t.split === 'val' ? 'val ' : ''}step ${t.step} group ${t.group}`;
  return t.index === null || t.index === undefined ? where : `${where} sample ${t.index}`;
}
