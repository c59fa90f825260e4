// A prompt's life in a run: every group it was asked in (from the per-group aggregates, so a
// timeline never reads a sample), the step from which it stopped carrying gradient, and the
// run-level list of prompts by how long they stayed trainable. Definitions: docs/algorithms.md
// "Prompt timeline".
import { describeSuccessRule } from '../../shared/success';
import { runSuccessRule } from './successStore';
import { createHash } from 'node:crypto';
import { ErrorCode, LensError } from '../../shared/errors';
import { preview, type GroupRef } from '../../shared/explorer';
import type { PromptLifeRow, PromptTimeline, PromptTimelinePoint } from '../../shared/promptTimeline';
import type { Split } from '../../shared/rollout';
import { promptQuestion } from '../../shared/text';
import { requireGroupId } from './reads';
import type { Store } from './store';

/** How a prompt is named: its exact text, or the SHA-1 of it in hex (the store's key). */
export type PromptSelector = { text: string } | { promptId: string };

export function promptIdOf(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The stored prompt's row id and text; a one-line not_found error when there is none. */
export function resolvePrompt(store: Store, sel: PromptSelector): { id: number; hash: string; text: string } {
  const row = 'text' in sel ? byText(store, sel.text) : byId(store, sel.promptId);
  if (!row) {
    const what =
      'text' in sel
        ? `with the text ${JSON.stringify(sel.text.length > 60 ? sel.text.slice(0, 59) + '…' : sel.text)}`
        : `with id ${sel.promptId.toLowerCase()}`;
    throw new LensError(ErrorCode.NotFound, `${store.file}: no prompt ${what}`);
  }
  return row;
}

/**
 * A prompt by its text: exactly as stored, else as a user types it, without the chat template
 * (`<|im_start|>user …`) and surrounding blank space: the question alone must then name one prompt.
 */
function byText(store: Store, text: string): { id: number; hash: string; text: string } | undefined {
  const exact = byHash(store, promptIdOf(text));
  if (exact) return exact;
  const want = promptQuestion(text).trim();
  if (!want) return undefined;
  // Only prompts that contain the question are candidates (instr, no full read of every text).
  const candidates = store.db
    .prepare('SELECT id, lower(hex(hash)) AS hash, text FROM prompts WHERE instr(text, ?) > 0')
    .all(want) as Array<{
    id: number;
    hash: string;
    text: string;
  }>;
  const found = candidates.filter((r) => promptQuestion(r.text).trim() === want);
  if (found.length > 1)
    throw new LensError(
      ErrorCode.BadInput,
      `the text ${JSON.stringify(want.length > 60 ? want.slice(0, 59) + '…' : want)} is the question of more than one stored prompt: give the whole prompt or its id`,
    );
  return found[0];
}

/** Hex digits a prompt id prefix needs (views show 12; fewer would often match several prompts). */
export const MIN_PROMPT_ID_PREFIX = 6;

function byHash(store: Store, hash: string): { id: number; hash: string; text: string } | undefined {
  const row = store.db.prepare('SELECT id, text FROM prompts WHERE hash = ?').get(Buffer.from(hash, 'hex')) as
    { id: number; text: string } | undefined;
  return row && { ...row, hash };
}

/**
 * A prompt by its id: the whole SHA-1, or a unique prefix of it as the views show it ("4a2c70662dd2"),
 * found by a range scan of the hash index.
 */
function byId(store: Store, promptId: string): { id: number; hash: string; text: string } | undefined {
  const id = promptId.toLowerCase();
  if (!/^[0-9a-f]+$/.test(id) || id.length > 40 || id.length < MIN_PROMPT_ID_PREFIX) {
    throw new LensError(
      ErrorCode.BadInput,
      `prompt id ${JSON.stringify(promptId)} is not a SHA-1 (40 hex digits) or a prefix of one (${MIN_PROMPT_ID_PREFIX} or more)`,
    );
  }
  if (id.length === 40) return byHash(store, id);
  const rows = store.db
    .prepare('SELECT id, text, lower(hex(hash)) AS hash FROM prompts WHERE hash >= ? AND hash <= ? LIMIT 2')
    .all(Buffer.from(id.padEnd(40, '0'), 'hex'), Buffer.from(id.padEnd(40, 'f'), 'hex')) as Array<{
    id: number;
    text: string;
    hash: string;
  }>;
  if (rows.length > 1)
    throw new LensError(ErrorCode.BadInput, `prompt id prefix ${id} matches more than one prompt: give more of its digits`);
  return rows[0];
}

interface Row {
  step: number;
  split: Split;
  uid: string;
  size: number;
  reward_sum: number;
  reward_min: number | null;
  reward_max: number | null;
  success_n: number;
  len_tokens_n: number;
  chars_sum: number;
  tokens_sum: number;
}

function point(r: Row): PromptTimelinePoint {
  const tokens = r.size > 0 && r.len_tokens_n === r.size;
  return {
    step: r.step,
    split: r.split,
    group: r.uid,
    samples: r.size,
    reward_mean: r.size ? r.reward_sum / r.size : null,
    solve_rate: r.size ? r.success_n / r.size : null,
    degenerate: r.reward_min === r.reward_max,
    spread: r.reward_min === null || r.reward_max === null ? null : r.reward_max - r.reward_min,
    mean_length: r.size ? (tokens ? r.tokens_sum : r.chars_sum) / r.size : null,
    length_unit: tokens ? 'tokens' : 'chars',
  };
}

/** Every appearance of the prompt in the run (optionally one split), by step, then split and group. */
export function promptTimeline(store: Store, run: string, sel: PromptSelector, split?: Split): PromptTimeline {
  const runId = store.requireRun(run).id;
  const p = resolvePrompt(store, sel);
  // groups_by_prompt (migration 1) finds the prompt's groups, steps come by primary key: no scan.
  const rows = store.db
    .prepare(
      `SELECT st.step, st.split, g.uid, g.size, g.reward_sum, g.reward_min, g.reward_max, g.success_n,
              g.len_tokens_n, g.chars_sum, g.tokens_sum
         FROM groups g JOIN steps st ON st.id = g.step_id
        WHERE g.prompt_id = ? AND st.run_id = ? AND (? IS NULL OR st.split = ?)
        ORDER BY st.step, st.split, g.uid`,
    )
    .all(p.id, runId, split ?? null, split ?? null) as Row[];
  const rule = runSuccessRule(store.db, runId);
  return {
    run,
    prompt_id: p.hash,
    prompt: p.text,
    success_rule: describeSuccessRule(rule.rules, rule.threshold),
    points: rows.map(point),
    stopped: stoppedAt(rows, split ?? 'train'),
  };
}

/**
 * The first step of the trailing stretch of steps at which every group of the prompt (in `split`)
 * was degenerate: from there on it gave no gradient. The kind is the last group's (what holds now).
 */
function stoppedAt(rows: readonly Row[], split: Split): PromptTimeline['stopped'] {
  const mine = rows.filter((r) => r.split === split);
  const live = new Set(mine.filter((r) => r.reward_min !== r.reward_max).map((r) => r.step));
  const last = mine[mine.length - 1];
  if (!last || live.has(last.step)) return null;
  let from = last.step;
  for (let k = mine.length - 1; k >= 0 && !live.has(mine[k]!.step); k--) from = mine[k]!.step;
  const s = last.success_n;
  return { step: from, split, kind: s === last.size ? 'all-correct' : s === 0 ? 'all-wrong' : 'constant' };
}

/**
 * The run's prompts by how many steps they gave gradient (most first), then by how long they were
 * asked. Read from prompt_lives (kept by triggers as groups arrive, scaleMigrations.ts) through its
 * ranking index: a top-N reads N rows, however many groups the run has.
 */
export function promptLives(store: Store, run: string, opts: { split?: Split; limit?: number } = {}): PromptLifeRow[] {
  const runId = store.requireRun(run).id;
  const rows = store.db
    .prepare(
      `SELECT lower(hex(p.hash)) AS prompt_id, substr(p.text, max(1, length(p.text) - 400)) AS tail,
              l.appearances, l.trainable, l.first_step, l.last_step, l.last_trainable_step
         FROM prompt_lives l JOIN prompts p ON p.id = l.prompt_id
        WHERE l.run_id = ? AND l.split = ?
        ORDER BY l.trainable DESC, l.appearances DESC, l.first_step, p.hash
        LIMIT ?`,
    )
    .all(runId, opts.split ?? 'train', opts.limit ?? 1000) as Array<Omit<PromptLifeRow, 'preview'> & { tail: string }>;
  return rows.map(({ tail, ...r }) => ({ ...r, preview: preview(tail.split(/user\n|<\|im_start\|>user/).pop() ?? tail) }));
}

/** The prompt id (SHA-1 hex) of a stored group, for "This prompt over time". */
export function promptIdOfGroup(store: Store, ref: GroupRef): string {
  const gid = requireGroupId(store, ref);
  return store.db
    .prepare('SELECT lower(hex(p.hash)) FROM groups g JOIN prompts p ON p.id = g.prompt_id WHERE g.id = ?')
    .pluck()
    .get(gid) as string;
}

/** Runs that asked the prompt (in any split), by name: what a timeline can be compared with. */
export function runsAskingPrompt(store: Store, sel: PromptSelector): string[] {
  const p = resolvePrompt(store, sel);
  return store.db
    .prepare(
      `SELECT DISTINCT r.name FROM groups g JOIN steps st ON st.id = g.step_id JOIN runs r ON r.id = st.run_id
        WHERE g.prompt_id = ? ORDER BY r.name`,
    )
    .pluck()
    .all(p.id) as string[];
}

/** Groups of the same run and split whose prompt text is the group's, in step order. */
export function samePromptGroups(store: Store, ref: GroupRef): Array<{ split: Split; step: number; group: string }> {
  const gid = requireGroupId(store, ref);
  return store.db
    .prepare(
      `SELECT st.split, st.step, g2.uid AS "group" FROM groups g1
         JOIN groups g2 ON g2.prompt_id = g1.prompt_id
         JOIN steps st ON st.id = g2.step_id
        WHERE g1.id = ? AND st.run_id = (SELECT run_id FROM steps WHERE id = g1.step_id) AND st.split = ?
        ORDER BY st.step, g2.uid`,
    )
    .all(gid, ref.split) as Array<{ split: Split; step: number; group: string }>;
}
