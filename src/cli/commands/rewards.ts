// Reward commands: grade one answer, re-score a run with a reward spec, compare a re-score set.
// Spec grammar, functions and output shapes: docs/rewards.md.
import * as fs from 'node:fs';
import { compareSet } from '../../core/rewards/compare';
import { comparePairwise, type PairwiseComparison } from '../../core/rewards/pairwiseComparison';
import type { Comparison, Selection } from '../../shared/rescore';
import { ANSWER_FORMATS, grade, gradeWithSpec, type AnswerFormat } from '../../core/rewards/grade';
import { rescoreAndJudge, type RescoreReport } from '../../core/rewards/rescore';
import { parseRewardSpec } from '../../core/rewards/spec';
import { RescoreStore } from '../../core/store/rescoreStore';
import { Store } from '../../core/store/store';
import { ErrorCode, LensError, errorMessage } from '../../shared/errors';
import { dbOption as db, intOption, jsonOption as json, requireDb, requireString, str, type CommandSpec, type Values } from '../command';
import { UsageError, printJson, printTable } from '../output';
import { parseSplit } from './ingest';

function openExisting(file: string): Store {
  if (!fs.existsSync(file)) throw new LensError(ErrorCode.DatabaseUnusable, `${file}: no such database file`);
  return Store.open(file);
}

/** --NAME TEXT or --NAME-file FILE (model output is full of backslashes a shell would mangle). */
function textOption(v: Values, name: string): string {
  const text = str(v[name]);
  const file = str(v[`${name}-file`]);
  if (text !== undefined && file !== undefined) throw new UsageError(`give --${name} or --${name}-file, not both`);
  if (file !== undefined) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new LensError(ErrorCode.Unreadable, `${file}: cannot read: ${errorMessage(e)}`, { file });
    }
  }
  if (text === undefined) throw new UsageError(`--${name} TEXT (or --${name}-file FILE) is required`);
  return text;
}

async function gradeSpecCommand(v: Values, reward: string): Promise<number> {
  if (v['answer-format'] !== undefined || v['no-symbolic'] === true)
    throw new UsageError('--reward replaces --answer-format and --no-symbolic (write e.g. "math(symbolic=false)")');
  const r = await gradeWithSpec({
    reward,
    response: textOption(v, 'response'),
    groundTruth: textOption(v, 'ground-truth'),
    // The user runs the CLI in their own shell: that is consent, as for rescore.
    trusted: v['untrusted'] !== true,
  });
  if (v['json'] === true) printJson(r);
  else if (r.error !== null) process.stdout.write(`${r.reward}: not scored: ${r.error}\n`);
  else {
    const verdict = r.correct === null ? 'score' : r.correct ? 'correct' : 'incorrect';
    const how = r.stage === null ? '' : ` (${r.stage}${r.approximate ? ', approximate' : ''})`;
    process.stdout.write(
      `${verdict}${how}: score ${r.score} with ${r.reward}; extracted ${JSON.stringify(r.extracted)}` +
        `${r.rationale ? `\n${r.rationale}` : ''}\n`,
    );
  }
  return r.error === null ? 0 : 1;
}

export async function gradeCommand(v: Values): Promise<number> {
  const reward = str(v['reward']);
  if (reward !== undefined) return gradeSpecCommand(v, reward);
  const format = str(v['answer-format']) ?? 'math';
  if (!(ANSWER_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--answer-format must be one of ${ANSWER_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  const r = await grade({
    format: format as AnswerFormat,
    response: textOption(v, 'response'),
    groundTruth: textOption(v, 'ground-truth'),
    symbolic: v['no-symbolic'] !== true,
  });
  if (v['json'] === true) printJson(r);
  else {
    process.stdout.write(
      `${r.correct ? 'correct' : 'incorrect'} (${r.stage}${r.approximate ? ', approximate' : ''}): extracted ${JSON.stringify(r.extracted)} → ` +
        `${JSON.stringify(r.normalized)} vs ${JSON.stringify(r.ground_truth_normalized)}; boxed: ${r.boxed ? 'yes' : 'no'}\n`,
    );
  }
  return 0;
}

/** What `rescore --json` prints: the set, then the comparison with the logged rewards. */
export interface RescoreCliResult {
  set: number;
  label: string;
  status: RescoreReport['status'];
  reason: string | null;
  resumed: boolean;
  reused: boolean;
  approximate: boolean;
  samples: number;
  scored: number;
  errors: number;
  agreement: number | null;
  flips: Comparison['summary']['flips'];
  confusion: Comparison['summary']['confusion'];
  mean_reward_before: number | null;
  mean_reward_after: number | null;
  effective_gradient_ratio_before: number | null;
  effective_gradient_ratio_after: number | null;
  /** With a pairwise-judge spec: the new BRPO advantages against the logged ones (docs/rewards.md#pairwise-judge). */
  pairwise?: PairwiseComparison;
}

/** --tau for a pairwise-judge re-score's comparison: a number ≥ 0. */
function tauOption(v: Values): number | undefined {
  const s = str(v['tau']);
  if (s === undefined) return undefined;
  const tau = Number(s);
  if (s.trim() === '' || !Number.isFinite(tau) || tau < 0) throw new UsageError(`--tau must be a number ≥ 0, got ${JSON.stringify(s)}`);
  return tau;
}

export async function rescoreCommand(v: Values): Promise<number> {
  const selection: Selection = {};
  const step = intOption(v, 'step', 0);
  if (step !== undefined) selection.step = step;
  const group = str(v['group']);
  if (group !== undefined) selection.group = group;
  const split = parseSplit(str(v['split']));
  if (split) selection.split = split;
  const tau = tauOption(v);
  // Checked before anything is scored: a judge's calls are slow and cost money.
  if (tau !== undefined && !parseRewardSpec(requireString(v, 'reward')).terms.some((t) => t.fn === 'pairwise-judge')) {
    throw new UsageError('--tau applies to a pairwise-judge re-score');
  }
  const store = Store.open(requireDb(v));
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const asJson = v['json'] === true;
  try {
    const report = await rescoreAndJudge(store, {
      run: requireString(v, 'run'),
      spec: requireString(v, 'reward'),
      selection,
      // The user runs the CLI in their own shell: that is consent; the engine passes workspace trust.
      trusted: v['untrusted'] !== true,
      fresh: v['fresh'] === true,
      signal: controller.signal,
      // The same policy as the extension: alerts judged with their default thresholds.
      alerts: {},
      onAlertError: (m) => process.stderr.write(`rollout-lens: warning: ${m}\n`),
      ...(asJson || !process.stderr.isTTY ? {} : { onProgress: (p) => process.stderr.write(`\r${p.message}   `) }),
    });
    if (!asJson && process.stderr.isTTY) process.stderr.write('\n');
    const cmp = compareSet(store, { set: report.set, against: 'logged', sampleLimit: 0, topGroups: 0 });
    const judged = report.spec.terms.some((t) => t.fn === 'pairwise-judge');
    const out: RescoreCliResult = {
      set: report.set,
      label: report.label,
      status: report.status,
      reason: report.reason,
      resumed: report.resumed,
      reused: report.reused,
      approximate: report.approximate,
      samples: report.samples,
      scored: report.scored,
      errors: report.errors,
      agreement: cmp.summary.agreement,
      flips: cmp.summary.flips,
      confusion: cmp.summary.confusion,
      mean_reward_before: cmp.summary.mean_reward_before,
      mean_reward_after: cmp.summary.mean_reward_after,
      effective_gradient_ratio_before: cmp.summary.effective_gradient_ratio_before,
      effective_gradient_ratio_after: cmp.summary.effective_gradient_ratio_after,
      ...(judged ? { pairwise: comparePairwise(store, report.set, tau !== undefined ? { tau } : {}) } : {}),
    };
    if (asJson) printJson(out);
    else {
      const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);
      const num = (x: number | null): string => (x === null ? '-' : x.toFixed(4));
      process.stdout.write(
        `set ${out.set} (${out.label}): ${out.status}${out.reason ? ` (${out.reason})` : ''}${out.resumed ? ', resumed' : ''}${out.reused ? ', already complete' : ''}; ` +
          `${out.scored} of ${out.samples} scored, ${out.errors} errors${out.approximate ? ' [approximate]' : ''}\n` +
          `agreement with logged: ${pct(out.agreement)}; flips: ${out.flips.incorrect_to_correct} wrong→right, ${out.flips.correct_to_incorrect} right→wrong, ` +
          `${out.flips.advantage_sign} advantage signs\n` +
          `mean reward ${num(out.mean_reward_before)} → ${num(out.mean_reward_after)}; effective gradient ratio ` +
          `${pct(out.effective_gradient_ratio_before)} → ${pct(out.effective_gradient_ratio_after)}\n`,
      );
      const p = out.pairwise;
      if (p)
        process.stdout.write(
          `pairwise (τ = ${p.tau}): ${p.groups} groups compared, ${p.groups_skipped} skipped; references ${p.references.logged} logged, ${p.references.chosen} chosen; ` +
            `${p.unreadable_votes} of ${p.votes} replies unreadable (ties)\n` +
            `advantage signs: ${p.flips.advantage_sign} flipped, ${p.flips.advantage_sign_changed} changed; dropped groups ${p.dropped_before} → ${p.dropped_after} (Δ ${p.delta_dropped})\n`,
        );
    }
    return report.status === 'complete' ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    store.close();
  }
}

function setOption(v: Values, name: string): number {
  const n = intOption(v, name, 1);
  if (n === undefined) throw new UsageError(`--${name} ID is required (rescore prints it)`);
  return n;
}

export function rescoreDiffCommand(v: Values): number {
  const set = setOption(v, 'set');
  const againstRaw = str(v['against']) ?? 'logged';
  const against = againstRaw === 'logged' ? 'logged' : setOption({ against: againstRaw }, 'against');
  const store = openExisting(requireDb(v));
  try {
    const cmp = compareSet(store, {
      set,
      against,
      allSamples: v['all-samples'] === true,
      sampleLimit: intOption(v, 'limit', 0) ?? 1000,
    });
    if (v['json'] === true) printJson(cmp);
    else {
      printTable(
        [cmp.summary as unknown as Record<string, unknown>],
        [
          'samples',
          'skipped',
          'agreement',
          'mean_reward_before',
          'mean_reward_after',
          'effective_gradient_ratio_before',
          'effective_gradient_ratio_after',
        ],
      );
      process.stdout.write('\n');
      printTable(cmp.steps as unknown as Record<string, unknown>[], [
        'split',
        'step',
        'samples',
        'mean_reward_before',
        'mean_reward_after',
        'delta_mean_reward',
        'delta_effective_gradient_ratio',
        'flips',
      ]);
      process.stdout.write('\n');
      printTable(cmp.samples as unknown as Record<string, unknown>[], [
        'sample_id',
        'step',
        'group',
        'index',
        'before',
        'after',
        'correct_before',
        'correct_after',
        'advantage_before',
        'advantage_after',
      ]);
    }
    return 0;
  } finally {
    store.close();
  }
}

export function rescoreSetsCommand(v: Values): number {
  const store = openExisting(requireDb(v));
  try {
    const run = store.requireRun(requireString(v, 'run'));
    const sets = new RescoreStore(store.db).listSets(run.id).map(({ spec, selection, ...rest }) => ({
      ...rest,
      spec: JSON.parse(spec) as unknown,
      selection: JSON.parse(selection) as unknown,
    }));
    if (v['json'] === true) printJson(sets);
    else printTable(sets as unknown as Record<string, unknown>[], ['id', 'label', 'status', 'reason', 'total', 'scored', 'errors']);
    return 0;
  } finally {
    store.close();
  }
}

export const REWARD_COMMANDS: Record<string, CommandSpec> = {
  grade: {
    usage:
      'grade [--answer-format math|dapo|general-reasoner [--no-symbolic] | --reward SPEC [--untrusted]] (--response TEXT | --response-file F) (--ground-truth TEXT | --ground-truth-file F) [--json]',
    summary: 'extract and check one answer the way a reward function would (any reward spec with --reward)',
    options: {
      ...json,
      reward: { type: 'string' },
      untrusted: { type: 'boolean' },
      'answer-format': { type: 'string' },
      response: { type: 'string' },
      'response-file': { type: 'string' },
      'ground-truth': { type: 'string' },
      'ground-truth-file': { type: 'string' },
      'no-symbolic': { type: 'boolean' },
    },
    run: (v) => gradeCommand(v),
  },
  rescore: {
    usage:
      'rescore --db FILE --run NAME --reward SPEC [--step N] [--group UID] [--split train|val] [--fresh] [--untrusted] [--tau T] [--json]',
    summary: 'apply a reward spec to stored samples as a re-score set (resumable) and compare with the logged rewards',
    options: {
      ...db,
      ...json,
      run: { type: 'string' },
      reward: { type: 'string' },
      step: { type: 'string' },
      group: { type: 'string' },
      split: { type: 'string' },
      fresh: { type: 'boolean' },
      tau: { type: 'string' },
      trusted: { type: 'boolean' },
      untrusted: { type: 'boolean' },
    },
    run: (v) => rescoreCommand(v),
  },
  'rescore-diff': {
    usage: 'rescore-diff --db FILE --set ID [--against logged|ID] [--all-samples] [--limit N] [--json]',
    summary: 'per-step and per-sample differences between a re-score set and the logged rewards or another set',
    options: {
      ...db,
      ...json,
      set: { type: 'string' },
      against: { type: 'string' },
      'all-samples': { type: 'boolean' },
      limit: { type: 'string' },
    },
    run: (v) => rescoreDiffCommand(v),
  },
  'rescore-sets': {
    usage: 'rescore-sets --db FILE --run NAME [--json]',
    summary: "list a run's re-score sets with their specs and status",
    options: { ...db, ...json, run: { type: 'string' } },
    run: (v) => rescoreSetsCommand(v),
  },
};
