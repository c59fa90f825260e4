// Analysis commands that need no database: advantages, reflect, knapsack. Inputs are small JSON
// files; every shape error names the file and the field (e.g. groups[1].samples[0].reward).
import { outcomeAdvantages, type OutcomeEstimator } from '../../core/analysis/advantages';
import { knapsackAllocation, type KnapsackOptions, type KnapsackPrompt } from '../../core/analysis/knapsack';
import { tempoTokenAdvantages } from '../../core/analysis/prefixTree';
import { REFLECTION_MODES, reflectionMatcher, type ReflectionMode } from '../../core/analysis/reflection';
import { BRPO_TAU, type BrpoOptions } from '../../shared/judgedAdvantages';
import { jsonOption as json, requireString, str, type CommandSpec, type Values } from '../command';
import { UsageError, printJson, printTable } from '../output';
import { ESTIMATORS, Shape, inFile, parseAdvantageInput, readJsonFile, type Estimator, type InputGroup } from './advantageInput';
import { brpoGroups, multiRmGroups, multiRmModels, parseWeights } from './judgedEstimators';

interface AdvantageGroupOut {
  uid: string;
  mean: number;
  std: number | null;
  samples: Array<{ advantage: number; reward?: number; token_advantages?: number[] }>;
}

export interface AdvantagesArgs {
  estimator: string;
  input: string;
  noStd: boolean;
  json: boolean;
  /** brpo */
  tau?: string;
  ties?: string;
  rule?: string;
  /** multi-rm */
  weights?: string;
}

function choice<T extends string>(name: string, v: string | undefined, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`--${name} must be ${allowed.join(' or ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** The BRPO options, checked; a BRPO or multi-rm option with another estimator is a usage error. */
function judgedOptions(estimator: Estimator, a: AdvantagesArgs): { brpo: Required<BrpoOptions>; weights?: Record<string, number> } {
  const brpoOnly = (['tau', 'ties', 'rule'] as const).filter((k) => a[k] !== undefined);
  if (estimator !== 'brpo' && brpoOnly.length) throw new UsageError(`--${brpoOnly[0]} applies to the brpo estimator only`);
  if (estimator !== 'multi-rm' && a.weights !== undefined) throw new UsageError('--weights applies to the multi-rm estimator only');
  if (a.noStd && !['grpo', 'tempo'].includes(estimator)) throw new UsageError('--no-std applies to grpo and tempo');
  const tau = a.tau === undefined ? BRPO_TAU : Number(a.tau);
  if (a.tau !== undefined && (a.tau.trim() === '' || !Number.isFinite(tau) || tau < 0)) {
    throw new UsageError(`--tau must be a number ≥ 0, got ${JSON.stringify(a.tau)}`);
  }
  const brpo = { tau, ties: choice('ties', a.ties, ['win', 'lose'], 'lose'), rule: choice('rule', a.rule, ['all', 'majority'], 'all') };
  return a.weights === undefined ? { brpo } : { brpo, weights: parseWeights(a.weights) };
}

/** GRPO, Dr. GRPO, RLOO, TEMPO and VeriFree (RLOO on p(reference)): a mean, a std and an advantage per sample. */
function outcomeGroups(
  estimator: Exclude<Estimator, 'brpo' | 'multi-rm'>,
  groups: readonly InputGroup[],
  noStd: boolean,
  warnings: string[],
): AdvantageGroupOut[] {
  return groups.map((g) => {
    if (estimator === 'tempo') {
      const t = tempoTokenAdvantages(
        g.uid,
        g.rewards.map((reward, i) => ({ reward, ids: g.tokens?.[i] ?? [] })),
        { norm: !noStd },
      );
      if (t.singleton) warnings.push(`group ${JSON.stringify(g.uid)} has one sample: TEMPO falls back to the GRPO singleton rule`);
      return {
        uid: g.uid,
        mean: t.mean,
        std: t.std,
        samples: t.sequenceAdvantages.map((advantage, i) => ({
          advantage,
          token_advantages: t.tokenAdvantages[i] ?? [],
        })),
      };
    }
    const est: OutcomeEstimator = estimator === 'verifree' ? 'rloo' : estimator === 'grpo' && noStd ? 'drgrpo' : estimator;
    const r = outcomeAdvantages(g.uid, g.rewards, est);
    if (r.singleton) warnings.push(`group ${JSON.stringify(g.uid)} has one sample: its advantage is the raw reward, not 0`);
    return {
      uid: g.uid,
      mean: r.mean,
      std: r.std,
      samples: r.advantages.map((advantage, i) => (estimator === 'verifree' ? { reward: g.rewards[i] ?? 0, advantage } : { advantage })),
    };
  });
}

export function advantagesCommand(a: AdvantagesArgs): number {
  if (!(ESTIMATORS as readonly string[]).includes(a.estimator)) {
    throw new UsageError(`unknown estimator ${JSON.stringify(a.estimator)}: use ${ESTIMATORS.join(', ')}`);
  }
  const estimator = a.estimator as Estimator;
  const opts = judgedOptions(estimator, a);
  const groups = parseAdvantageInput(a.input, estimator);
  const warnings: string[] = [];
  const emit = (
    head: Record<string, unknown>,
    out: ReadonlyArray<{ uid: string; samples: ReadonlyArray<object> }>,
    cols: string[],
  ): number => {
    if (a.json) {
      printJson({ estimator, ...head, groups: out, warnings });
      return 0;
    }
    const rows = out.flatMap(({ samples, ...g }, gi) =>
      samples.map((x, i) => ({ ...g, reward: groups[gi]?.rewards[i], ...flatten(x), sample: i })),
    );
    printTable(rows, ['uid', 'sample', ...cols]);
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    return 0;
  };
  if (estimator === 'brpo') {
    const out = inFile(a.input, () => brpoGroups(groups, opts.brpo, warnings));
    return emit(opts.brpo, out, ['reference', 'verdict', 'advantage', 'skew', 'dropped']);
  }
  if (estimator === 'multi-rm') {
    const models = multiRmModels(a.input, groups, opts.weights);
    const weights = Object.fromEntries(models.map((m) => [m, opts.weights?.[m] ?? 1]));
    const out = inFile(a.input, () => multiRmGroups(groups, models, weights, warnings));
    return emit({ models, weights }, out, ['advantage', ...models.map((m) => `A_${m}`)]);
  }
  const out = inFile(a.input, () => outcomeGroups(estimator, groups, a.noStd, warnings));
  const tempoCols = estimator === 'tempo' ? ['tokens', 'token_min', 'token_max'] : [];
  return emit({}, out, ['reward', 'mean', 'std', 'advantage', ...tempoCols]);
}

/** One table row's cells from a sample's output: per-model advantages as A_name, token advantages summarised. */
function flatten(x: object): Record<string, unknown> {
  const row: Record<string, unknown> = { ...x };
  if ('per_model' in x && typeof x.per_model === 'object' && x.per_model !== null) {
    for (const [m, v] of Object.entries(x.per_model)) row[`A_${m}`] = v;
  }
  if ('token_advantages' in x && Array.isArray(x.token_advantages)) {
    const ta = x.token_advantages.filter((t): t is number => typeof t === 'number');
    Object.assign(row, { tokens: ta.length, token_min: ta.length ? Math.min(...ta) : null, token_max: ta.length ? Math.max(...ta) : null });
  }
  return row;
}

export function reflectCommand(a: { preset?: string; mode?: string; keywords?: string; text: string; json: boolean }): number {
  if (a.preset !== undefined && a.keywords !== undefined) throw new UsageError('use --preset or --keywords, not both');
  if (a.mode !== undefined && !(REFLECTION_MODES as readonly string[]).includes(a.mode)) {
    throw new UsageError(`unknown --mode ${JSON.stringify(a.mode)}: use ${REFLECTION_MODES.join(' or ')}`);
  }
  const keywords = a.keywords?.split(',').map((k) => k.trim());
  const matcher = reflectionMatcher({
    preset: a.preset,
    keywords,
    mode: a.mode as ReflectionMode | undefined,
  });
  const hits = matcher.hits(a.text);
  if (a.json) {
    printJson({ count: hits.length, hits });
    return 0;
  }
  process.stdout.write(`${hits.length} reflection keyword occurrence${hits.length === 1 ? '' : 's'} (${matcher.mode} mode)\n`);
  if (hits.length)
    printTable(
      hits.map((h) => ({ ...h, text: a.text.slice(h.start, h.end) })),
      ['keyword', 'start', 'end', 'text'],
    );
  return 0;
}

export function knapsackCommand(a: { input: string; json: boolean }): number {
  const s: Shape = new Shape(a.input);
  const root = s.object(readJsonFile(a.input), 'the top level');
  const prompts: KnapsackPrompt[] = s.array(root['prompts'], 'prompts').map((pv, i) => {
    const p = s.object(pv, `prompts[${i}]`);
    const valid = p['valid'] === undefined ? true : s.bool(p['valid'], `prompts[${i}].valid`);
    if (!valid) return { valid, p: null };
    return { valid, p: s.number(p['p'], `prompts[${i}].p`) };
  });
  const opts: KnapsackOptions = {
    n: s.int(root['n'], 'n', 1),
    minN: s.int(root['min_n'], 'min_n', 1),
    maxN: s.int(root['max_n'], 'max_n', 1),
  };
  if (root['alpha'] !== undefined) opts.alpha = s.number(root['alpha'], 'alpha');
  if (root['allow_fallback'] !== undefined) opts.allowFallback = s.bool(root['allow_fallback'], 'allow_fallback');
  if (root['negative_n'] !== undefined) opts.negativeN = s.int(root['negative_n'], 'negative_n', 0);
  if (root['positive_n'] !== undefined) opts.positiveN = s.int(root['positive_n'], 'positive_n', 0);
  const r = inFile(a.input, () => knapsackAllocation(prompts, opts));
  if (a.json) {
    printJson(r);
    return 0;
  }
  printTable(
    prompts.map((p, i) => ({ prompt: i, valid: String(p.valid), p: p.p, rollouts: r.allocation[i] })),
    ['prompt', 'valid', 'p', 'rollouts'],
  );
  const fb = r.fallback ? `yes (effective ratio ${r.fallback_effective_ratio})` : 'no';
  process.stdout.write(`budget ${r.budget}, fallback ${fb}\n`);
  return 0;
}

const flag = (v: Values, name: string): boolean => v[name] === true;

export const ANALYSIS_COMMANDS: Record<string, CommandSpec> = {
  advantages: {
    usage:
      'advantages --estimator grpo|drgrpo|rloo|tempo|brpo|multi-rm|verifree [--no-std] [--tau T] [--ties win|lose] [--rule all|majority] [--weights name=w,…] --input FILE [--json]',
    summary:
      'group-relative advantages of a JSON batch ({"groups":[{"uid","samples":[{"reward","tokens"}]}]}; docs/algorithms.md#cli-examples)',
    options: {
      ...json,
      estimator: { type: 'string' },
      input: { type: 'string' },
      'no-std': { type: 'boolean' },
      tau: { type: 'string' },
      ties: { type: 'string' },
      rule: { type: 'string' },
      weights: { type: 'string' },
    },
    run: (v) =>
      advantagesCommand({
        estimator: requireString(v, 'estimator'),
        input: requireString(v, 'input'),
        noStd: flag(v, 'no-std'),
        json: flag(v, 'json'),
        tau: str(v['tau']),
        ties: str(v['ties']),
        rule: str(v['rule']),
        weights: str(v['weights']),
      }),
  },
  reflect: {
    usage: 'reflect [--preset NAME] [--mode word|substring] [--keywords a,b,c] --text TEXT [--json]',
    summary: 'reflection ("aha") keyword occurrences in a text, with character spans',
    options: {
      ...json,
      preset: { type: 'string' },
      mode: { type: 'string' },
      keywords: { type: 'string' },
      text: { type: 'string' },
    },
    run: (v) => {
      const text = str(v['text']);
      if (text === undefined) throw new UsageError('--text is required');
      return reflectCommand({
        preset: str(v['preset']),
        mode: str(v['mode']),
        keywords: str(v['keywords']),
        text,
        json: flag(v, 'json'),
      });
    },
  },
  knapsack: {
    usage: 'knapsack --input FILE [--json]',
    summary: 'Knapsack-RL rollout budget for prompts with success rates ({"n","min_n","max_n","prompts":[{"valid","p"}]})',
    options: { ...json, input: { type: 'string' } },
    run: (v) => knapsackCommand({ input: requireString(v, 'input'), json: flag(v, 'json') }),
  },
};
