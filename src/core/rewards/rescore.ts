// Applies a reward spec to a selection of a run's samples and stores the results as a re-score set.
// Work goes in batches, one transaction each, so a cancel or crash keeps what was scored and the
// next run with the same spec and selection resumes where this one stopped.
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import type { ProgressInfo } from '../../shared/rollout';
import type { RescoreSummary, Selection } from '../../shared/rescore';
import { RescoreStore, type ResultRow, type SampleForScoring } from '../store/rescoreStore';
import type { Store } from '../store/store';
import { createScorer, isApproximateSpec } from './scorer';
import { canonicalJson, canonicalSpecJson, parseRewardSpec, specLabel, type RewardSpec } from './spec';
import type { JsonObject, JsonValue, RewardInput, RewardOutput } from './types';
import type { ImageRef, SampleBoxes, VideoRef } from '../../shared/media';
import type { Pairwise } from '../../shared/judging';
import { breathe } from '../breathe';
import { refreshRunAlerts, type AlertOptions } from '../alerts/update';

export interface RescoreOptions {
  run: string;
  /** Spec text (`math+format:boxed`), JSON text, a path to a .json file, or a parsed spec object. */
  spec: string | object;
  selection?: Selection;
  /** Workspace trust: false refuses external commands and ONNX models (ErrorCode.Untrusted). */
  trusted: boolean;
  /** Relative paths in the spec resolve against this folder (default: cwd). */
  baseDir?: string;
  signal?: AbortSignal;
  onProgress?: (p: ProgressInfo) => void;
  /** Samples per scoring call and per transaction (default 256). */
  batchSize?: number;
  /** Start a new set even when one with this spec and selection exists. */
  fresh?: boolean;
}

/** The shared summary, with the parsed spec (docs/rewards.md). */
export type RescoreReport = Omit<RescoreSummary, 'spec'> & { spec: RewardSpec };

/** A selection in canonical form: only the fields given, keys sorted, so equal selections match. */
export function canonicalSelection(sel: Selection): string {
  const o: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(sel)) if (v !== undefined) o[k] = v as JsonValue;
  return canonicalJson(o);
}

function checkSelection(sel: Selection): void {
  const bad = (what: string): never => {
    throw new LensError(ErrorCode.BadInput, `selection: ${what}`);
  };
  if (sel.step !== undefined && (!Number.isInteger(sel.step) || sel.step < 0)) bad(`step must be an integer ≥ 0, got ${sel.step}`);
  if (sel.index !== undefined && sel.group === undefined) bad('index needs group');
  if (sel.index !== undefined && (!Number.isInteger(sel.index) || sel.index < 0)) bad(`index must be an integer ≥ 0, got ${sel.index}`);
  if (sel.sampleId !== undefined && !Number.isInteger(sel.sampleId)) bad(`sampleId must be an integer, got ${sel.sampleId}`);
}

export function toRewardInput(s: SampleForScoring): RewardInput {
  return {
    id: String(s.id),
    prompt: s.prompt,
    response: s.response,
    ground_truth: s.ground_truth,
    data_source: s.data_source,
    extra: {
      step: s.step,
      split: s.split,
      group: s.uid,
      index: s.idx,
      finish_reason: s.finish_reason,
      length_tokens: s.length_tokens,
      length_chars: s.length_chars,
    },
    ...(s.images ? { images: JSON.parse(s.images) as ImageRef[] } : {}),
    ...(s.boxes ? { boxes: JSON.parse(s.boxes) as SampleBoxes } : {}),
    ...(s.video ? { video: JSON.parse(s.video) as VideoRef } : {}),
    ...(s.meta ? { meta: JSON.parse(s.meta) as JsonObject } : {}),
    ...(s.pairwise ? { pairwise: JSON.parse(s.pairwise) as Pairwise } : {}),
  };
}

/** One scoring call: the samples to store results for and, for a group-level function, the whole groups they belong to. */
interface Page {
  ids: number[];
  groups?: number[];
}

/** Pages of `size` samples. */
function pagesOf(ids: readonly number[], size: number): Page[] {
  const pages: Page[] = [];
  for (let at = 0; at < ids.length; at += size) pages.push({ ids: ids.slice(at, at + size) });
  return pages;
}

/** Pages of whole groups, about `size` samples each (rows ordered by group): a page ends only where a group does. */
function groupPages(rows: ReadonlyArray<{ id: number; group_id: number }>, size: number): Page[] {
  const pages: Page[] = [];
  let page: Required<Page> = { ids: [], groups: [] };
  rows.forEach((r, i) => {
    if (page.groups[page.groups.length - 1] !== r.group_id) page.groups.push(r.group_id);
    page.ids.push(r.id);
    const groupEnds = rows[i + 1]?.group_id !== r.group_id;
    if (groupEnds && page.ids.length >= size) {
      pages.push(page);
      page = { ids: [], groups: [] };
    }
  });
  if (page.ids.length) pages.push(page);
  return pages;
}

function toResultRow(sampleId: number, o: RewardOutput): ResultRow {
  const failed = o.error !== undefined || o.score === null || !Number.isFinite(o.score);
  return {
    sample_id: sampleId,
    score: failed ? null : o.score,
    correct: failed || o.correct === undefined ? null : o.correct,
    components: o.components ?? null,
    rationale: o.rationale ?? null,
    extracted: o.extracted ?? null,
    error: failed ? (o.error ?? `non-finite score ${String(o.score)}`) : null,
  };
}

export async function rescore(store: Store, opts: RescoreOptions): Promise<RescoreReport> {
  const run = store.requireRun(opts.run);
  const spec = parseRewardSpec(opts.spec, opts.baseDir !== undefined ? { baseDir: opts.baseDir } : {});
  const selection = opts.selection ?? {};
  checkSelection(selection);
  const specJson = canonicalSpecJson(spec);
  const selJson = canonicalSelection(selection);
  const label = specLabel(spec);
  const rs = new RescoreStore(store.db);
  const total = rs.countSelection(run.id, selection);
  if (total === 0) throw new LensError(ErrorCode.NotFound, `run ${JSON.stringify(opts.run)}: no samples match the selection ${selJson}`);

  const approximate = isApproximateSpec(spec);
  const report = (setId: number, resumed: boolean, reused: boolean): RescoreReport => {
    const row = rs.getSet(setId)!;
    return {
      set: setId,
      run: opts.run,
      spec,
      label,
      status: row.status === 'complete' ? 'complete' : 'incomplete',
      reason: row.reason,
      resumed,
      reused,
      samples: row.total,
      scored: row.scored,
      errors: row.errors,
      approximate,
    };
  };

  const done = opts.fresh ? undefined : rs.findComplete(run.id, specJson, selJson);
  if (done && done.total === total) return report(done.id, false, true);
  // Trust is checked and functions are built before a set exists: a refused spec leaves no trace.
  const scorer = await createScorer(spec, { trusted: opts.trusted, baseDir: opts.baseDir ?? process.cwd() });
  // A complete set whose selection has grown since (live ingest) is reopened for the new samples.
  const unfinished = opts.fresh ? undefined : (rs.findUnfinished(run.id, specJson, selJson) ?? done);
  const setId = unfinished?.id ?? store.write(() => rs.createSet(run.id, specJson, label, selJson, total));
  if (unfinished) store.write(() => rs.setStatus(setId, 'running', null, total));
  const batchSize = Math.max(1, opts.batchSize ?? 256);
  try {
    // Ids first, texts page by page: memory stays flat and each page is one indexed lookup. The next
    // page is read and its scoring started before this one's results are written: a scorer waiting on
    // something else (the symbolic worker loading, an external process, a verifier) overlaps with
    // this thread's SQL instead of adding to it. A group-level function (the pairwise judge) is given
    // whole groups, already scored samples included, and only the unscored ones' results are kept.
    const pages = scorer.groupLevel
      ? groupPages(rs.unscoredByGroup(run.id, selection, setId), batchSize)
      : pagesOf(rs.unscoredIds(run.id, selection, setId), batchSize);
    const scoreCtx = opts.signal ? { signal: opts.signal } : {};
    type Started = { page: SampleForScoring[]; wanted: Set<number> | null; outputs: Promise<RewardOutput[]> };
    const startPage = (k: number): Started => {
      const p = pages[k]!;
      const page = p.groups ? rs.samplesOfGroups(p.groups) : rs.samplesByIds(p.ids);
      const wanted = p.groups ? new Set(p.ids) : null;
      const inputs = page.map((s) => (wanted === null || wanted.has(s.id) ? toRewardInput(s) : { ...toRewardInput(s), contextOnly: true }));
      const outputs = page.length ? scorer.score(inputs, scoreCtx) : Promise.resolve([]);
      // Awaited in turn below; until then a failure must not count as unhandled.
      outputs.catch(() => undefined);
      return { page, wanted, outputs };
    };
    let ahead = pages.length > 0 ? startPage(0) : undefined;
    for (let k = 0; k < pages.length; k++) {
      if (opts.signal?.aborted) {
        store.write(() => rs.setStatus(setId, 'incomplete', 'cancelled'));
        return { ...report(setId, unfinished !== undefined, false), cancelled: true };
      }
      const { page, wanted, outputs: pending } = ahead!;
      ahead = k + 1 < pages.length ? startPage(k + 1) : undefined;
      if (page.length === 0) continue;
      const outputs = await pending;
      const rows = page.map((s, i) => toResultRow(s.id, outputs[i]!)).filter((r) => wanted === null || wanted.has(r.sample_id));
      store.write(() => rs.writeResults(setId, rows));
      const now = rs.getSet(setId)!;
      const done = now.scored + now.errors;
      opts.onProgress?.({
        // The spec is in the caller's title already ("Re-scoring … with math"): the count alone.
        message: `${done} of ${total} samples scored`,
        fraction: done / total,
        samples: done,
      });
      await breathe();
    }
    store.write(() => rs.setStatus(setId, 'complete', null));
    return report(setId, unfinished !== undefined, false);
  } catch (e) {
    const cancelled = opts.signal?.aborted === true || (e instanceof LensError && e.code === ErrorCode.Cancelled);
    try {
      store.write(() => rs.setStatus(setId, 'incomplete', cancelled ? 'cancelled' : errorMessage(e)));
    } catch {
      // The database itself failed; the original error says more.
    }
    if (cancelled) return { ...report(setId, unfinished !== undefined, false), cancelled: true };
    throw e;
  } finally {
    await scorer.dispose();
  }
}

/**
 * Re-scores, then brings the run's alerts up to date: a new or resumed set may disagree with the
 * logged verdicts (docs/algorithms.md, verifier disagreement). The engine and the CLI both re-score
 * through here, so they follow one policy.
 */
export async function rescoreAndJudge(
  store: Store,
  opts: RescoreOptions & { alerts: AlertOptions | false; onAlertError: (message: string) => void },
): Promise<RescoreReport> {
  const report = await rescore(store, opts);
  await refreshRunAlerts(store, opts.run, opts.alerts, opts.onAlertError);
  return report;
}
