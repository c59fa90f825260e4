// Analysis commands that need no database: advantages, reflect, knapsack. Inputs are small JSON
// files; every shape error names the file and the field (e.g. groups[1].samples[0].reward).
import * as fs from 'node:fs';
import { outcomeAdvantages, type OutcomeEstimator } from '../../core/analysis/advantages';
import { knapsackAllocation, type KnapsackOptions, type KnapsackPrompt } from '../../core/analysis/knapsack';
import { tempoTokenAdvantages } from '../../core/analysis/prefixTree';
import { REFLECTION_MODES, reflectionMatcher, type ReflectionMode } from '../../core/analysis/reflection';
import { ErrorCode, LensError, errorMessage, isLensError } from '../../shared/errors';
import { jsonOption as json, requireString, str, type CommandSpec, type Values } from '../command';
import { UsageError, printJson, printTable } from '../output';

const ESTIMATORS = ['grpo', 'drgrpo', 'rloo', 'tempo'] as const;
type Estimator = (typeof ESTIMATORS)[number];

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LensError(ErrorCode.Unreadable, `${file}: cannot read: ${errorMessage(e)}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new LensError(ErrorCode.BadInput, `${file}: not valid JSON: ${errorMessage(e)}`, { file });
  }
}

/** Field-level checks that name the file and the JSON path of the offending value. */
class Shape {
  constructor(readonly file: string) {}
  fail(at: string, what: string): never {
    throw new LensError(ErrorCode.BadInput, `${this.file}: ${at} ${what}`, { file: this.file, field: at });
  }
  object(v: unknown, at: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(at, 'must be an object');
    return v as Record<string, unknown>;
  }
  array(v: unknown, at: string): unknown[] {
    if (!Array.isArray(v)) this.fail(at, 'must be an array');
    return v;
  }
  number(v: unknown, at: string): number {
    if (typeof v !== 'number') this.fail(at, `must be a number, got ${JSON.stringify(v)}`);
    return v;
  }
  bool(v: unknown, at: string): boolean {
    if (typeof v !== 'boolean') this.fail(at, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  int(v: unknown, at: string, min: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(at, `must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v;
  }
}

/** Runs core code and puts the file in front of its messages, which name the group but not the file. */
function inFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isLensError(e) && !e.message.startsWith(file)) throw new LensError(e.code, `${file}: ${e.message}`, e.details);
    throw e;
  }
}

interface InputGroup {
  uid: string;
  rewards: number[];
  tokens: number[][] | undefined;
}

function parseAdvantageInput(file: string, needTokens: boolean): InputGroup[] {
  const s: Shape = new Shape(file);
  const root = s.object(readJsonFile(file), 'the top level');
  return s.array(root['groups'], 'groups').map((gv, gi) => {
    const g = s.object(gv, `groups[${gi}]`);
    const uid = g['uid'];
    if (typeof uid !== 'string' && typeof uid !== 'number') s.fail(`groups[${gi}].uid`, 'must be a string');
    const samples = s.array(g['samples'], `groups[${gi}].samples`);
    if (samples.length === 0) s.fail(`groups[${gi}].samples`, 'must not be empty');
    const rewards: number[] = [];
    const tokens: number[][] = [];
    samples.forEach((xv, xi) => {
      const at = `groups[${gi}].samples[${xi}]`;
      const x = s.object(xv, at);
      rewards.push(s.number(x['reward'], `${at}.reward`));
      if (!needTokens) return;
      if (x['tokens'] === undefined) s.fail(`${at}.tokens`, 'is needed by the tempo estimator (token ids)');
      tokens.push(s.array(x['tokens'], `${at}.tokens`).map((t, ti) => s.int(t, `${at}.tokens[${ti}]`, 0)));
    });
    return { uid: String(uid), rewards, tokens: needTokens ? tokens : undefined };
  });
}

interface AdvantageGroupOut {
  uid: string;
  mean: number;
  std: number | null;
  samples: Array<{ advantage: number; token_advantages?: number[] }>;
}

export function advantagesCommand(a: { estimator: string; input: string; noStd: boolean; json: boolean }): number {
  if (!(ESTIMATORS as readonly string[]).includes(a.estimator)) {
    throw new UsageError(`unknown estimator ${JSON.stringify(a.estimator)}: use ${ESTIMATORS.join(', ')}`);
  }
  const estimator = a.estimator as Estimator;
  if (a.noStd && estimator === 'rloo') throw new UsageError('--no-std applies to grpo and tempo (rloo divides by no std)');
  const groups = parseAdvantageInput(a.input, estimator === 'tempo');
  const warnings: string[] = [];
  const out: AdvantageGroupOut[] = inFile(a.input, () =>
    groups.map((g) => {
      if (estimator === 'tempo') {
        const t = tempoTokenAdvantages(
          g.uid,
          g.rewards.map((reward, i) => ({ reward, ids: g.tokens?.[i] ?? [] })),
          { norm: !a.noStd },
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
      const est: OutcomeEstimator = estimator === 'grpo' && a.noStd ? 'drgrpo' : estimator;
      const r = outcomeAdvantages(g.uid, g.rewards, est);
      if (r.singleton) warnings.push(`group ${JSON.stringify(g.uid)} has one sample: its advantage is the raw reward, not 0`);
      return {
        uid: g.uid,
        mean: r.mean,
        std: r.std,
        samples: r.advantages.map((advantage) => ({ advantage })),
      };
    }),
  );
  if (a.json) {
    printJson({ estimator, groups: out, warnings });
    return 0;
  }
  const rows = out.flatMap((g, gi) =>
    g.samples.map((x, i) => {
      const ta = x.token_advantages;
      return {
        uid: g.uid,
        sample: i,
        reward: groups[gi]?.rewards[i],
        mean: g.mean,
        std: g.std,
        advantage: x.advantage,
        ...(ta
          ? {
              tokens: ta.length,
              token_min: ta.length ? Math.min(...ta) : null,
              token_max: ta.length ? Math.max(...ta) : null,
            }
          : {}),
      };
    }),
  );
  const cols = [
    'uid',
    'sample',
    'reward',
    'mean',
    'std',
    'advantage',
    ...(estimator === 'tempo' ? ['tokens', 'token_min', 'token_max'] : []),
  ];
  printTable(rows, cols);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  return 0;
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
    usage: 'advantages --estimator grpo|drgrpo|rloo|tempo [--no-std] --input FILE [--json]',
    summary: 'group-relative advantages of a JSON batch ({"groups":[{"uid","samples":[{"reward","tokens"}]}]})',
    options: {
      ...json,
      estimator: { type: 'string' },
      input: { type: 'string' },
      'no-std': { type: 'boolean' },
    },
    run: (v) =>
      advantagesCommand({
        estimator: requireString(v, 'estimator'),
        input: requireString(v, 'input'),
        noStd: flag(v, 'no-std'),
        json: flag(v, 'json'),
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
