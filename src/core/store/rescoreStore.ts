// Re-score sets and results (migration 2): the SQL of re-scoring and comparison, parameterised.
// Logged rewards in `samples` are only read here, never written.
import { ErrorCode, LensError } from '../../shared/errors';
import type { RescoreSetRow, RescoreStatus, Selection } from '../../shared/rescore';
import type { SqliteDatabase } from './nativeLoader';
import { sampleSuccess } from '../analysis/success';
import { runSuccessRule } from './successStore';

/** What a reward function needs from one stored sample. */
export interface SampleForScoring {
  id: number;
  idx: number;
  uid: string;
  step: number;
  split: string;
  prompt: string;
  response: string;
  ground_truth: string | null;
  data_source: string | null;
  finish_reason: string | null;
  length_tokens: number | null;
  length_chars: number;
  /** JSON as stored: image references, boxes, meta (the vision rewards read them). */
  images: string | null;
  boxes: string | null;
  video: string | null;
  meta: string | null;
  /** The logged pairwise record, JSON as stored (migration 10). */
  pairwise: string | null;
}

export interface ResultRow {
  sample_id: number;
  score: number | null;
  correct: boolean | null;
  components: Record<string, number> | null;
  rationale: string | null;
  extracted: string | null;
  error: string | null;
}

/** One sample of a comparison: the baseline (logged reward or another set) and the set's result. */
export interface CompareRow {
  sample_id: number;
  idx: number;
  group_id: number;
  uid: string;
  step: number;
  split: string;
  before: number | null;
  before_correct: number | null;
  before_error: string | null;
  after: number | null;
  after_correct: number | null;
  after_error: string | null;
}

/** One sample of a pairwise-judge set beside its logged BRPO values (`pairwiseRows`). */
export interface PairwiseRow {
  sample_id: number;
  idx: number;
  group_id: number;
  uid: string;
  step: number;
  split: string;
  after: number | null;
  after_error: string | null;
  /** The result's components, JSON as stored. */
  components: string | null;
  logged_advantage: number | null;
  logged_verdict: number | null;
  group_size: number;
}

/** The logged columns the run's success rule needs (read only against the logged baseline). */
interface LoggedColumns {
  logged_reward: number;
  logged_components: string | null;
}

// Optional filters as "(? IS NULL OR col = ?)": one statement serves every selection shape.
const SELECTION_WHERE = `st.run_id = @run
  AND (@split IS NULL OR st.split = @split) AND (@step IS NULL OR st.step = @step)
  AND (@grp IS NULL OR g.uid = @grp) AND (@idx IS NULL OR s.idx = @idx) AND (@sample IS NULL OR s.id = @sample)`;

const FROM_SAMPLES = `FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id`;

function selectionParams(runId: number, sel: Selection): Record<string, string | number | null> {
  return {
    run: runId,
    split: sel.split ?? null,
    step: sel.step ?? null,
    grp: sel.group ?? null,
    idx: sel.index ?? null,
    sample: sel.sampleId ?? null,
  };
}

export class RescoreStore {
  constructor(private readonly db: SqliteDatabase) {}

  countSelection(runId: number, sel: Selection): number {
    return this.db.prepare(`SELECT COUNT(*) ${FROM_SAMPLES} WHERE ${SELECTION_WHERE}`).pluck().get(selectionParams(runId, sel)) as number;
  }

  /**
   * Ids of the selected samples that have no result in the set yet, ascending. Ids only (the
   * (group_id, idx) index covers them), so this never reads response text.
   */
  unscoredIds(runId: number, sel: Selection, setId: number): number[] {
    const ids = this.db
      .prepare(
        `SELECT s.id ${FROM_SAMPLES}
          WHERE ${SELECTION_WHERE}
            AND NOT EXISTS (SELECT 1 FROM rescore_results r WHERE r.set_id = @set AND r.sample_id = s.id)`,
      )
      .pluck()
      .all({ ...selectionParams(runId, sel), set: setId }) as number[];
    return ids.sort((a, b) => a - b);
  }

  /** What the reward functions need of these samples, in id order. */
  samplesByIds(ids: readonly number[]): SampleForScoring[] {
    return this.samplesWhere('s.id', ids, 's.id');
  }

  /** Every sample of these groups, ordered by group then index: the context a group-level function needs. */
  samplesOfGroups(groupIds: readonly number[]): SampleForScoring[] {
    return this.samplesWhere('s.group_id', groupIds, 's.group_id, s.idx');
  }

  private samplesWhere(column: 's.id' | 's.group_id', ids: readonly number[], order: string): SampleForScoring[] {
    return this.db
      .prepare(
        `SELECT s.id, s.idx, g.uid, st.step, st.split, p.text AS prompt, s.response, s.ground_truth, s.data_source,
                s.finish_reason, s.length_tokens, s.length_chars, s.images, s.boxes, s.video, s.meta, s.pairwise
           FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id JOIN prompts p ON p.id = g.prompt_id
          WHERE ${column} IN (SELECT value FROM json_each(?))
          ORDER BY ${order}`,
      )
      .all(JSON.stringify(ids)) as SampleForScoring[];
  }

  /** The unscored samples of `unscoredIds` with their groups, ordered by group then index: group-level functions page by group. */
  unscoredByGroup(runId: number, sel: Selection, setId: number): Array<{ id: number; group_id: number }> {
    return this.db
      .prepare(
        `SELECT s.id, s.group_id ${FROM_SAMPLES}
          WHERE ${SELECTION_WHERE}
            AND NOT EXISTS (SELECT 1 FROM rescore_results r WHERE r.set_id = @set AND r.sample_id = s.id)
          ORDER BY s.group_id, s.idx`,
      )
      .all({ ...selectionParams(runId, sel), set: setId }) as Array<{ id: number; group_id: number }>;
  }

  /** The newest set with this spec and selection that did not finish (resumable), if any. */
  findUnfinished(runId: number, spec: string, selection: string): RescoreSetRow | undefined {
    return this.db
      .prepare(
        `SELECT * FROM rescore_sets WHERE run_id = ? AND spec = ? AND selection = ? AND status != 'complete' ORDER BY id DESC LIMIT 1`,
      )
      .get(runId, spec, selection) as RescoreSetRow | undefined;
  }

  findComplete(runId: number, spec: string, selection: string): RescoreSetRow | undefined {
    return this.db
      .prepare(
        `SELECT * FROM rescore_sets WHERE run_id = ? AND spec = ? AND selection = ? AND status = 'complete' ORDER BY id DESC LIMIT 1`,
      )
      .get(runId, spec, selection) as RescoreSetRow | undefined;
  }

  createSet(runId: number, spec: string, label: string, selection: string, total: number): number {
    const now = Date.now();
    const r = this.db
      .prepare(
        `INSERT INTO rescore_sets (run_id, spec, label, selection, created_at, updated_at, status, total) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)`,
      )
      .run(runId, spec, label, selection, now, now, total);
    return Number(r.lastInsertRowid);
  }

  setStatus(setId: number, status: RescoreStatus, reason: string | null, total?: number): void {
    this.db
      .prepare(`UPDATE rescore_sets SET status = ?, reason = ?, total = coalesce(?, total), updated_at = ? WHERE id = ?`)
      .run(status, reason, total ?? null, Date.now(), setId);
  }

  /**
   * Marks sets left 'running' by a process that died (kill -9, a crash) as incomplete; call when the
   * engine starts, before any re-score of its own. They resume like any incomplete set.
   */
  markInterrupted(reason = 'interrupted: the process ended while scoring'): number {
    return this.db
      .prepare(`UPDATE rescore_sets SET status = 'incomplete', reason = ?, updated_at = ? WHERE status = 'running'`)
      .run(reason, Date.now()).changes;
  }

  /** Inserts one batch of results and bumps the set's counters; call inside a transaction. */
  writeResults(setId: number, rows: readonly ResultRow[]): void {
    const insert = this.db.prepare(
      `INSERT INTO rescore_results (set_id, sample_id, score, correct, components, rationale, extracted, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (set_id, sample_id) DO NOTHING`,
    );
    let scored = 0;
    let errors = 0;
    for (const r of rows) {
      const changed = insert.run(
        setId,
        r.sample_id,
        r.score,
        r.correct === null ? null : r.correct ? 1 : 0,
        r.components ? JSON.stringify(r.components) : null,
        r.rationale,
        r.extracted,
        r.error,
      ).changes;
      if (changed === 0) continue;
      if (r.error !== null) errors++;
      else scored++;
    }
    this.db
      .prepare(`UPDATE rescore_sets SET scored = scored + ?, errors = errors + ?, updated_at = ? WHERE id = ?`)
      .run(scored, errors, Date.now(), setId);
  }

  getSet(setId: number): RescoreSetRow | undefined {
    return this.db.prepare('SELECT * FROM rescore_sets WHERE id = ?').get(setId) as RescoreSetRow | undefined;
  }

  /** A set with the name of its run; NotFound when there is none. */
  setWithRun(setId: number): RescoreSetRow & { run: string } {
    const set = this.getSet(setId);
    if (!set) throw new LensError(ErrorCode.NotFound, `no re-score set ${setId}`);
    return { ...set, run: this.db.prepare('SELECT name FROM runs WHERE id = ?').pluck().get(set.run_id) as string };
  }

  /** New rationales of a set's samples, by sample id (samples scored without one are left out). */
  rationales(setId: number, sampleIds: readonly number[]): Record<string, string> {
    const rows = this.db
      .prepare(
        `SELECT sample_id, rationale FROM rescore_results
          WHERE set_id = ? AND rationale IS NOT NULL AND sample_id IN (SELECT value FROM json_each(?))`,
      )
      .raw()
      .all(setId, JSON.stringify(sampleIds)) as Array<[number, string]>;
    return Object.fromEntries(rows.map(([id, r]) => [String(id), r]));
  }

  listSets(runId: number): RescoreSetRow[] {
    return this.db.prepare('SELECT * FROM rescore_sets WHERE run_id = ? ORDER BY id').all(runId) as RescoreSetRow[];
  }

  deleteSet(setId: number): boolean {
    return this.db.prepare('DELETE FROM rescore_sets WHERE id = ?').run(setId).changes > 0;
  }

  /** The set's results beside the baseline, ordered so each group's samples are contiguous. */
  /**
   * The set's rows beside a baseline: the logged reward, one logged reward component (`component`,
   * with `against: 'logged'`; a sample without it has no baseline), or another set.
   */
  compareRows(setId: number, against: 'logged' | number, component?: string): IterableIterator<CompareRow> {
    const logged = component === undefined ? 's.reward' : 'json_extract(s.components, @path)';
    const baseline =
      against === 'logged'
        ? `${logged} AS before, s.correct AS before_correct, s.reward AS logged_reward, s.components AS logged_components, NULL AS before_error`
        : `b.score AS before, b.correct AS before_correct,
           CASE WHEN b.sample_id IS NULL THEN 'not in the baseline set' ELSE b.error END AS before_error`;
    const join = against === 'logged' ? '' : 'LEFT JOIN rescore_results b ON b.set_id = @against AND b.sample_id = r.sample_id';
    const rows = this.db
      .prepare(
        `SELECT r.sample_id, s.idx, g.id AS group_id, g.uid, st.step, st.split, ${baseline},
                r.score AS after, r.correct AS after_correct, r.error AS after_error
           FROM rescore_results r JOIN samples s ON s.id = r.sample_id JOIN groups g ON g.id = s.group_id
           JOIN steps st ON st.id = g.step_id ${join}
          WHERE r.set_id = @set
          ORDER BY st.split, st.step, g.id, s.idx`,
      )
      .iterate(
        against !== 'logged'
          ? { set: setId, against }
          : component === undefined
            ? { set: setId }
            : { set: setId, path: `$.${JSON.stringify(component)}` },
      ) as IterableIterator<CompareRow & LoggedColumns>;
    return against === 'logged' ? this.withLoggedVerdicts(setId, rows) : rows;
  }

  /** The logged side's verdict is the run's success rule (src/shared/success.ts), not only a logged `correct`. */
  private *withLoggedVerdicts(setId: number, rows: Iterable<CompareRow & LoggedColumns>): IterableIterator<CompareRow> {
    const runId = this.db.prepare('SELECT run_id FROM rescore_sets WHERE id = ?').pluck().get(setId) as number;
    const { threshold } = runSuccessRule(this.db, runId);
    for (const { logged_reward, logged_components, ...row } of rows) {
      const success = sampleSuccess({ reward: logged_reward, correct: row.before_correct, components: logged_components }, threshold);
      yield { ...row, before_correct: success ? 1 : 0 };
    }
  }

  /**
   * A pairwise-judge set's results beside what was logged for BRPO (migration 10): the logged
   * advantage and default-rule verdict, each group's size; ordered so each group's rows are contiguous.
   */
  pairwiseRows(setId: number): PairwiseRow[] {
    return this.db
      .prepare(
        `SELECT r.sample_id, s.idx, g.id AS group_id, g.uid, st.step, st.split, r.score AS after, r.error AS after_error,
                r.components, s.advantage AS logged_advantage, s.verdict AS logged_verdict,
                (SELECT COUNT(*) FROM samples x WHERE x.group_id = g.id) AS group_size
           FROM rescore_results r JOIN samples s ON s.id = r.sample_id JOIN groups g ON g.id = s.group_id
           JOIN steps st ON st.id = g.step_id
          WHERE r.set_id = ?
          ORDER BY st.split, st.step, g.id, s.idx`,
      )
      .all(setId) as PairwiseRow[];
  }

  /** True when some sample of the run logged this reward component. */
  runHasComponent(runId: number, component: string): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id
            WHERE st.run_id = ? AND json_extract(s.components, ?) IS NOT NULL LIMIT 1`,
        )
        .get(runId, `$.${JSON.stringify(component)}`) !== undefined
    );
  }

  /** Full results of one sample across sets, for a sample view. */
  resultsForSample(sampleId: number): Array<ResultRow & { set_id: number }> {
    const rows = this.db
      .prepare(
        'SELECT set_id, sample_id, score, correct, components, rationale, extracted, error FROM rescore_results WHERE sample_id = ? ORDER BY set_id',
      )
      .all(sampleId) as Array<{
      set_id: number;
      sample_id: number;
      score: number | null;
      correct: number | null;
      components: string | null;
      rationale: string | null;
      extracted: string | null;
      error: string | null;
    }>;
    return rows.map((r) => ({
      ...r,
      correct: r.correct === null ? null : r.correct === 1,
      components: r.components ? (JSON.parse(r.components) as Record<string, number>) : null,
    }));
  }
}
