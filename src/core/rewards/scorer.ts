// A resolved spec made runnable: its functions built (after the trust check), scoring a batch as
// constant + Σ weight·term, with each term's parts kept as components.
import { ErrorCode, LensError } from '../../shared/errors';
import { getRewardFactory } from './registry';
import { specLabel, type RewardSpec } from './spec';
import type { RewardEnvironment, RewardFunction, RewardInput, RewardOutput, ScoreContext } from './types';

export interface Scorer {
  readonly spec: RewardSpec;
  readonly label: string;
  /** True when any term is approximate or a model: results are labelled so in the UI. */
  readonly approximate: boolean;
  /** True when a term scores samples against their group: batches must hold whole groups (RewardFunction.groupLevel). */
  readonly groupLevel: boolean;
  score(batch: readonly RewardInput[], ctx?: ScoreContext): Promise<RewardOutput[]>;
  dispose(): Promise<void>;
}

/** True when any term is approximate, a model or an external program (results are labelled so). */
export function isApproximateSpec(spec: RewardSpec): boolean {
  return spec.terms.some((t) => getRewardFactory(t.fn)?.exactness !== 'port');
}

/** Term names for components: the function id, its variant, and #2, #3 … when repeated. */
function termNames(spec: RewardSpec): string[] {
  const seen = new Map<string, number>();
  return spec.terms.map((t) => {
    const f = getRewardFactory(t.fn);
    const v = f?.variantKey ? t.config[f.variantKey] : undefined;
    const base = typeof v === 'string' ? `${t.fn}:${v}` : t.fn;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}

/** Throws LensError(Untrusted) before anything is started when a term needs a trusted workspace. */
export function checkTrust(spec: RewardSpec, trusted: boolean): void {
  if (trusted) return;
  for (const t of spec.terms) {
    const reason = getRewardFactory(t.fn)?.untrustedReason;
    if (reason) {
      throw new LensError(
        ErrorCode.Untrusted,
        `reward function ${JSON.stringify(t.fn)} is refused in an untrusted workspace: ${reason}. Trust the workspace to use it`,
        { function: t.fn },
      );
    }
  }
}

export function combineOutputs(
  spec: RewardSpec,
  names: readonly string[],
  perTerm: ReadonlyArray<readonly RewardOutput[]>,
  index: number,
): RewardOutput {
  const outs = perTerm.map((o) => o[index]!);
  const errors = outs
    .map((o, t) => (o.error !== undefined || o.score === null ? `${names[t]}: ${o.error ?? 'no score'}` : null))
    .filter((e) => e !== null);
  if (errors.length) return { score: null, error: errors.join('; ') };
  const single = outs.length === 1;
  let score = spec.constant;
  const components: Record<string, number> = {};
  const rationales: string[] = [];
  let correct: boolean | undefined;
  let extracted: string | undefined;
  let stage: string | undefined;
  let approximate = false;
  outs.forEach((o, t) => {
    if (o.approximate === true) approximate = true;
    score += spec.terms[t]!.weight * (o.score as number);
    const name = names[t]!;
    if (!single) components[name] = o.score as number;
    for (const [k, v] of Object.entries(o.components ?? {})) components[single ? k : `${name}.${k}`] = v;
    if (o.rationale) rationales.push(single ? o.rationale : `${name}: ${o.rationale}`);
    // The first term with a verdict decides correctness and the shown answer (e.g. math in math+format).
    if (correct === undefined && o.correct !== undefined) {
      correct = o.correct;
      stage = o.stage;
    }
    if (extracted === undefined && o.extracted !== undefined) extracted = o.extracted;
  });
  return {
    score,
    ...(Object.keys(components).length ? { components } : {}),
    ...(rationales.length ? { rationale: rationales.join('\n') } : {}),
    ...(correct !== undefined ? { correct } : {}),
    ...(extracted !== undefined ? { extracted } : {}),
    ...(stage !== undefined ? { stage } : {}),
    ...(approximate ? { approximate } : {}),
  };
}

export async function createScorer(spec: RewardSpec, env: RewardEnvironment): Promise<Scorer> {
  checkTrust(spec, env.trusted);
  const fns: RewardFunction[] = [];
  try {
    for (const t of spec.terms) {
      const f = getRewardFactory(t.fn);
      if (!f) throw new LensError(ErrorCode.BadInput, `unknown reward function ${JSON.stringify(t.fn)}`);
      fns.push(await f.create(t.config, env));
    }
  } catch (e) {
    await Promise.allSettled(fns.map((f) => f.dispose()));
    throw e;
  }
  const names = termNames(spec);
  return {
    spec,
    label: specLabel(spec),
    approximate: isApproximateSpec(spec),
    groupLevel: fns.some((f) => f.groupLevel === true),
    async score(batch, ctx = {}) {
      const perTerm = await Promise.all(fns.map((f) => f.score(batch, ctx)));
      for (const [t, o] of perTerm.entries()) {
        if (o.length !== batch.length)
          throw new LensError(ErrorCode.Internal, `${names[t]} returned ${o.length} results for ${batch.length} samples`);
      }
      return batch.map((_, i) => combineOutputs(spec, names, perTerm, i));
    },
    async dispose() {
      await Promise.allSettled(fns.map((f) => f.dispose()));
    },
  };
}
