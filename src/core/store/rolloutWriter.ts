// Writes normalised samples and metrics for one run. The caller owns the transaction; this class
// keeps id caches that it drops when told a transaction rolled back.
import { createHash } from 'node:crypto';
import type { SampleRecord, MetricRecord } from '../ingest/records';
import type { SqliteDatabase, SqliteStatement as Statement } from './nativeLoader';
import { encodeFloat32, encodeInt32 } from './blobs';
import { addToAggregate, emptyAggregate, type GroupAggregate } from '../analysis/groupAggregates';
import type { ReflectionMatcher } from '../analysis/reflection';
import { InlineEnrichment } from './inlineEnrich';
import { MediaIntake } from './mediaIntake';
import { GroundingSums } from './stepSums';
import { ModelPairSums, defaultVerdict } from './modelPairs';
import { isReference } from '../../shared/judging';
import { sampleOutcome } from '../analysis/success';
import { usesTools, type Split } from '../../shared/rollout';
import { runSuccessRule, saveRunRules } from './successStore';
import { TrainedMarks } from './trainedMarks';

/**
 * Aggregate columns that a batch adds to (reward_min / reward_max combine with min / max). The
 * reflection counts are zero unless they were counted inline (InlineEnrichment).
 */
const SUMMED = (Object.keys(emptyAggregate()) as Array<keyof GroupAggregate>).filter((k) => k !== 'reward_min' && k !== 'reward_max');

const CACHE_LIMIT = 20_000;

function json(v: unknown): string | null {
  return v === undefined ? null : JSON.stringify(v);
}

export class RolloutWriter {
  private readonly promptIds = new Map<string, number>();
  private readonly stepIds = new Map<string, number>();
  private readonly groupIds = new Map<string, number>();
  /** Per (file, group) row counters: key `${fileId}:${groupId}`. */
  private readonly fileGroupCounts = new Map<string, number>();
  private readonly touchedCounts = new Set<string>();
  private readonly groupDeltas = new Map<number, GroupAggregate>();
  /** Steps written to in this batch, with the lowest and highest sample id written (a text filter's rowid range). */
  /** Steps whose statistics changed, with the rowid range of their new samples (null: marks only). */
  private readonly dirtySteps = new Map<number, { lo: number | null; hi: number | null }>();
  private readonly metricKeyIds = new Map<string, number>();
  /** The run's success threshold, read once per transaction (a re-count may have changed it in between). */
  private threshold: number | null | undefined;
  /** Success rules the batch's samples used (saved on the run at flush). */
  private readonly rulesSeen = new Set<string>();
  /** Component sums of the batch, by step id then name (added to step_components at flush). */
  private readonly componentDeltas = new Map<number, Map<string, { sum: number; n: number }>>();
  private readonly upsertComponent: Statement;
  private readonly grounding: GroundingSums;
  private readonly modelPairs: ModelPairSums;

  private readonly insPrompt: Statement;
  private readonly selPrompt: Statement;
  private readonly insStep: Statement;
  private readonly selStep: Statement;
  private readonly insGroup: Statement;
  private readonly selGroup: Statement;
  private readonly insSample: Statement;
  private readonly selCount: Statement;
  private readonly upsertCount: Statement;
  private readonly updGroup: Statement;
  private readonly markStep: Statement;
  private readonly insKey: Statement;
  private readonly selKey: Statement;
  private readonly upsertMetric: Statement;
  private readonly inline: InlineEnrichment | undefined;
  private readonly marks: TrainedMarks;
  private readonly updMarks: Statement;
  /** Made at the first sample with images: a text run never reads a file for them. */
  private intake: MediaIntake | undefined;

  /** With `enrich`, text is indexed and keywords counted in each row's transaction (inlineEnrich.ts). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly runId: number,
    enrich?: ReflectionMatcher,
  ) {
    this.inline = enrich ? new InlineEnrichment(db, enrich) : undefined;
    this.marks = new TrainedMarks(db, runId);
    this.updMarks = db.prepare('UPDATE groups SET trained_n = trained_n + ?, filtered_n = filtered_n + ? WHERE id = ?');
    this.insPrompt = db.prepare('INSERT INTO prompts (hash, text) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING');
    this.selPrompt = db.prepare('SELECT id FROM prompts WHERE hash = ?').pluck();
    this.insStep = db.prepare('INSERT INTO steps (run_id, split, step) VALUES (?, ?, ?) ON CONFLICT (run_id, split, step) DO NOTHING');
    this.selStep = db.prepare('SELECT id FROM steps WHERE run_id = ? AND split = ? AND step = ?').pluck();
    this.insGroup = db.prepare('INSERT INTO groups (step_id, uid, prompt_id) VALUES (?, ?, ?) ON CONFLICT (step_id, uid) DO NOTHING');
    this.selGroup = db.prepare('SELECT id FROM groups WHERE step_id = ? AND uid = ?').pluck();
    this.insSample = db.prepare(
      `INSERT INTO samples (group_id, idx, file_id, reward, correct, finish_reason, length_tokens, length_chars,
         advantage, data_source, components, ground_truth, rationale, meta, turns,
         response_ids, response_tokens, logprobs, token_advantages, train_logprobs, ref_logprobs, entropy, response, images, boxes,
         video, segments, pairwise, verdict, reward_models, p_reward, logp_reward, answer_offset, stage, trace_id, trained, filter_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (group_id, idx) DO NOTHING`,
    );
    this.selCount = db.prepare('SELECT n FROM file_group_counts WHERE file_id = ? AND group_id = ?').pluck();
    this.upsertCount = db.prepare(
      'INSERT INTO file_group_counts (file_id, group_id, n) VALUES (?, ?, ?) ON CONFLICT (file_id, group_id) DO UPDATE SET n = excluded.n',
    );
    this.updGroup = db.prepare(
      `UPDATE groups SET ${SUMMED.map((k) => `${k} = ${k} + ?`).join(', ')},
         reward_min = min(coalesce(reward_min, ?), ?), reward_max = max(coalesce(reward_max, ?), ?) WHERE id = ?`,
    );
    this.markStep = db.prepare(
      `UPDATE steps SET dirty = 1, first_sample_id = coalesce(min(first_sample_id, ?), first_sample_id, ?),
         last_sample_id = coalesce(max(last_sample_id, ?), last_sample_id, ?) WHERE id = ?`,
    );
    this.grounding = new GroundingSums(db);
    this.modelPairs = new ModelPairSums(db);
    this.upsertComponent = db.prepare(
      `INSERT INTO step_components (step_id, name, sum, n) VALUES (?, ?, ?, ?)
       ON CONFLICT (step_id, name) DO UPDATE SET sum = sum + excluded.sum, n = n + excluded.n`,
    );
    this.insKey = db.prepare('INSERT INTO metric_keys (key) VALUES (?) ON CONFLICT (key) DO NOTHING');
    this.selKey = db.prepare('SELECT id FROM metric_keys WHERE key = ?').pluck();
    this.upsertMetric = db.prepare(
      'INSERT INTO metrics (run_id, key_id, step, value) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key_id, step) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value',
    );
  }

  /**
   * Inserts one sample unless its identity is already stored. Returns true when it was new.
   * `reflections`: its keyword count if the caller made it already (a parsing worker).
   */
  addSample(rec: SampleRecord, fileId: number | null, reflections?: number): boolean {
    this.inline?.begin();
    const stepId = this.stepId(rec.split, rec.step);
    const groupId = this.groupId(stepId, rec.group, rec.prompt);
    let idx = rec.index;
    if (idx === undefined) {
      const key = `${fileId ?? 0}:${groupId}`;
      let n = this.fileGroupCounts.get(key);
      if (n === undefined) n = (fileId === null ? 0 : (this.selCount.get(fileId, groupId) as number | undefined)) ?? 0;
      idx = n;
      this.fileGroupCounts.set(key, n + 1);
      if (fileId !== null) this.touchedCounts.add(key);
    }
    if (rec.images || rec.video || rec.turns?.some((t) => t.images)) {
      this.intake ??= new MediaIntake(this.db);
      this.intake.take(rec, `step ${rec.step} group ${rec.group} sample ${idx}`);
    }
    const ids = rec.responseIds;
    const verdict = defaultVerdict(rec.pairwise);
    const trained = this.marks.atInsert(rec.split, rec.step, rec.traceId, rec.trained);
    const info = this.insSample.run(
      groupId,
      idx,
      fileId,
      rec.reward,
      rec.correct === undefined ? null : rec.correct ? 1 : 0,
      rec.finishReason ?? null,
      ids ? ids.length : null,
      rec.response.length,
      rec.advantage ?? null,
      rec.dataSource ?? null,
      json(rec.components),
      rec.groundTruth ?? null,
      json(rec.rationale),
      json(rec.meta),
      json(rec.turns),
      encodeInt32(ids),
      json(rec.responseTokens),
      encodeFloat32(rec.logprobs),
      encodeFloat32(rec.tokenAdvantages),
      encodeFloat32(rec.trainLogprobs),
      encodeFloat32(rec.refLogprobs),
      encodeFloat32(rec.entropy),
      rec.response,
      json(rec.images),
      json(rec.boxes),
      json(rec.video),
      json(rec.segments),
      json(rec.pairwise),
      verdict ?? null,
      json(rec.rewardModels),
      rec.answer?.p ?? null,
      rec.answer?.logp ?? null,
      rec.answer?.answer_offset ?? null,
      rec.stage ?? null,
      rec.traceId ?? null,
      trained,
      rec.filterReason ?? null,
    );
    if (info.changes === 0) return false;
    const inline = this.inline;
    const counted = inline?.reflect ? (reflections ?? inline.matcher.count(rec.response)) : undefined;
    let d = this.groupDeltas.get(groupId);
    if (!d) {
      d = emptyAggregate();
      this.groupDeltas.set(groupId, d);
    }
    if (this.threshold === undefined) this.threshold = runSuccessRule(this.db, this.runId).threshold;
    const outcome = sampleOutcome(rec, this.threshold);
    this.rulesSeen.add(outcome.rule);
    addToAggregate(d, {
      success: outcome.success,
      reward: rec.reward,
      correct: rec.correct,
      finishReason: rec.finishReason,
      lengthTokens: ids?.length,
      lengthChars: rec.response.length,
      reflections: counted,
      toolUse: usesTools(rec.turns),
      judging: { verdict, reference: isReference(rec.pairwise), p: rec.answer?.p, stage: rec.stage },
      trained,
    });
    if (rec.rewardModels && rec.components) this.modelPairs.add(stepId, rec.rewardModels.models, rec.components);
    if (rec.components) this.addComponents(stepId, rec.components);
    if (rec.boxes) this.grounding.addBoxes(stepId, rec.boxes);
    if (rec.segments) this.grounding.addSegments(stepId, rec.segments);
    const id = Number(info.lastInsertRowid);
    const range = this.dirtySteps.get(stepId);
    if (!range) this.dirtySteps.set(stepId, { lo: id, hi: id });
    else {
      range.lo = range.lo === null ? id : Math.min(range.lo, id);
      range.hi = range.hi === null ? id : Math.max(range.hi, id);
    }
    return true;
  }

  /**
   * The trainer trained on these traces in the batch of `step` (prime-rl effective/): marks the
   * samples stored, and the step's others as filtered out (trainedMarks.ts), and counts them in
   * their groups at once (a group delta of marks alone has no rewards to combine). Returns how many
   * sample marks changed.
   */
  markTrained(split: Split, step: number, traceIds: readonly string[]): number {
    const marks = this.marks.markBatch(split, step, traceIds);
    for (const m of marks) {
      this.updMarks.run(m.trained, m.filtered, m.groupId);
      if (!this.dirtySteps.has(m.stepId)) this.dirtySteps.set(m.stepId, { lo: null, hi: null });
    }
    return marks.length;
  }

  /** Image problems met since the last call (per-sample warnings for the ingest report). */
  drainImageWarnings(): string[] {
    return this.intake?.drain() ?? [];
  }

  private addComponents(stepId: number, components: Readonly<Record<string, number>>): void {
    let step = this.componentDeltas.get(stepId);
    if (!step) this.componentDeltas.set(stepId, (step = new Map()));
    for (const name in components) {
      const v = components[name]!;
      if (!Number.isFinite(v)) continue;
      const d = step.get(name);
      if (d) {
        d.sum += v;
        d.n++;
      } else step.set(name, { sum: v, n: 1 });
    }
  }

  /** Upserts metric values; returns how many (key, step) values were new or changed. */
  addMetrics(rec: MetricRecord): number {
    let n = 0;
    for (const [key, value] of Object.entries(rec.values)) {
      n += this.upsertMetric.run(this.runId, this.metricKeyId(key), rec.step, value).changes;
    }
    return n;
  }

  /** Writes the batch's accumulated group statistics and per-file counters. Call before commit. */
  flush(): void {
    for (const [groupId, d] of this.groupDeltas) {
      this.updGroup.run(...SUMMED.map((k) => d[k]), d.reward_min, d.reward_min, d.reward_max, d.reward_max, groupId);
    }
    this.groupDeltas.clear();
    for (const [stepId, step] of this.componentDeltas) for (const [name, d] of step) this.upsertComponent.run(stepId, name, d.sum, d.n);
    this.componentDeltas.clear();
    this.grounding.flush();
    this.modelPairs.flush();
    if (this.rulesSeen.size) saveRunRules(this.db, this.runId, this.rulesSeen);
    this.rulesSeen.clear();
    this.threshold = undefined;
    for (const [stepId, r] of this.dirtySteps) this.markStep.run(r.lo, r.lo, r.hi, r.hi, stepId);
    this.dirtySteps.clear();
    for (const key of this.touchedCounts) {
      const [fileId, groupId] = key.split(':').map(Number) as [number, number];
      this.upsertCount.run(fileId, groupId, this.fileGroupCounts.get(key)!);
    }
    this.touchedCounts.clear();
    if (this.fileGroupCounts.size > CACHE_LIMIT) this.fileGroupCounts.clear();
    this.inline?.end();
  }

  /** After a rollback nothing cached can be trusted: ids may point at rows that no longer exist. */
  forgetCaches(): void {
    this.inline?.reset();
    this.lastGroup = undefined;
    this.promptIds.clear();
    this.stepIds.clear();
    this.groupIds.clear();
    this.fileGroupCounts.clear();
    this.touchedCounts.clear();
    this.groupDeltas.clear();
    this.dirtySteps.clear();
    this.metricKeyIds.clear();
    this.rulesSeen.clear();
    this.threshold = undefined;
    this.componentDeltas.clear();
    this.grounding.forget();
    this.modelPairs.forget();
  }

  /** Drops the per-file counters of a file that is about to be re-read from its start. */
  resetFileCounts(fileId: number): void {
    this.db.prepare('DELETE FROM file_group_counts WHERE file_id = ?').run(fileId);
    for (const key of [...this.fileGroupCounts.keys()]) {
      if (key.startsWith(`${fileId}:`)) this.fileGroupCounts.delete(key);
    }
  }

  private stepId(split: string, step: number): number {
    const key = `${split}\u0000${step}`;
    let id = this.stepIds.get(key);
    if (id === undefined) {
      this.insStep.run(this.runId, split, step);
      id = this.selStep.get(this.runId, split, step) as number;
      if (this.stepIds.size > CACHE_LIMIT) this.stepIds.clear();
      this.stepIds.set(key, id);
    }
    return id;
  }

  // Samples of a group usually arrive together: remembering the last one skips the map lookups.
  private lastGroup: { stepId: number; uid: string; id: number } | undefined;

  private groupId(stepId: number, uid: string, prompt: string): number {
    const last = this.lastGroup;
    if (last && last.stepId === stepId && last.uid === uid) return last.id;
    const id = this.lookupGroup(stepId, uid, prompt);
    this.lastGroup = { stepId, uid, id };
    return id;
  }

  private lookupGroup(stepId: number, uid: string, prompt: string): number {
    const key = `${stepId}\u0000${uid}`;
    let id = this.groupIds.get(key);
    if (id === undefined) {
      const promptId = this.promptId(prompt);
      this.insGroup.run(stepId, uid, promptId);
      id = this.selGroup.get(stepId, uid) as number;
      if (this.groupIds.size > CACHE_LIMIT) this.groupIds.clear();
      this.groupIds.set(key, id);
    }
    return id;
  }

  private promptId(text: string): number {
    let id = this.promptIds.get(text);
    if (id === undefined) {
      const hash = createHash('sha1').update(text).digest();
      this.insPrompt.run(hash, text);
      id = this.selPrompt.get(hash) as number;
      if (this.promptIds.size > CACHE_LIMIT) this.promptIds.clear();
      this.promptIds.set(text, id);
    }
    return id;
  }

  private metricKeyId(key: string): number {
    let id = this.metricKeyIds.get(key);
    if (id === undefined) {
      this.insKey.run(key);
      id = this.selKey.get(key) as number;
      this.metricKeyIds.set(key, id);
    }
    return id;
  }
}
