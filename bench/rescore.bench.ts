// Re-score throughput (built-in math re-score ≥ 20k samples/s): the reward path on in-memory samples,
// and end to end through SQLite (read, score, write the set; cold). ONNX batch throughput of the tiny model.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ingestor } from '../src/core/ingest/ingestor';
import { rescore } from '../src/core/rewards/rescore';
import { createScorer } from '../src/core/rewards/scorer';
import { parseRewardSpec } from '../src/core/rewards/spec';
import type { RewardInput } from '../src/core/rewards/types';
import { Store } from '../src/core/store/store';
import { prng, writeJsonl } from '../test/helpers';
import { writeTinyModel, writeTinyTokenizer } from '../test/unit/rewards/tinyOnnx';

const WORDS = (
  'the of and to a in is that for it as with so we let then therefore since because given find compute ' +
  'sum product square root fraction value equation wait check again alternatively however x^2 + y = 3 ' +
  '\\frac{1}{2} 12 7 step first second substitute simplify both sides factor'
).split(' ');

/** An answer pair: what the model boxed and the ground truth (most agree or differ as numbers). */
function answerPair(rand: () => number): [string, string] {
  const r = rand();
  const n = Math.floor(rand() * 200);
  if (r < 0.45) return [String(n), String(n)];
  if (r < 0.7) return [String(n + 1), String(n)];
  if (r < 0.8) return [`\\frac{${n + 1}}{${n + 2}}`, `${n + 1}/${n + 2}`];
  if (r < 0.86) return [`\\dfrac{${n}}{7}`, `\\frac{${n}}{7}`];
  if (r < 0.92) return [`${n}\\%`, `${n}`];
  // Forms only the symbolic stage can settle; a handful of distinct pairs, as in real groups.
  const k = n % 5;
  return rand() < 0.5 ? [`\\frac{\\sqrt{${k + 2}}}{2}`, `\\frac{1}{2}\\sqrt{${k + 2}}`] : [`x^${k + 2}`, `x^${k + 3}`];
}

export function mathSamples(count: number, seed = 11): RewardInput[] {
  const rand = prng(seed);
  const out: RewardInput[] = [];
  for (let i = 0; i < count; i++) {
    const words = 200 + Math.floor(rand() * 300);
    const parts: string[] = [];
    for (let w = 0; w < words; w++) parts.push(WORDS[Math.floor(rand() * WORDS.length)]!);
    const [pred, gt] = answerPair(rand);
    out.push({
      id: String(i),
      prompt: 'Solve the problem. Put your final answer within \\boxed{}.',
      response: `${parts.join(' ')}. So the final answer is $\\boxed{${pred}}$.`,
      ground_truth: gt,
      data_source: 'bench',
      extra: {},
    });
  }
  return out;
}

async function mathFigure(quick: boolean): Promise<Record<string, unknown>> {
  const samples = mathSamples(quick ? 10_000 : 50_000);
  const scorer = await createScorer(parseRewardSpec('math'), { trusted: false, baseDir: '.' });
  try {
    const batch = 256;
    // Warm-up: JIT, and the symbolic worker's start (loading compute-engine) is a one-off per re-score.
    await scorer.score(samples.slice(0, 512));
    let symbolic = 0;
    let correct = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < samples.length; i += batch) {
      for (const o of await scorer.score(samples.slice(i, i + batch))) {
        if (o.components?.['symbolic']) symbolic++;
        if (o.correct) correct++;
      }
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const rate = samples.length / seconds;
    return {
      samples: samples.length,
      mean_response_chars: Math.round(samples.reduce((s, x) => s + x.response.length, 0) / samples.length),
      seconds: Number(seconds.toFixed(3)),
      samples_per_s: Math.round(rate),
      limit_samples_per_s: 20_000,
      ratio_to_limit: Number((rate / 20_000).toFixed(2)),
      correct_fraction: Number((correct / samples.length).toFixed(3)),
      decided_by_symbolic_stage: symbolic,
    };
  } finally {
    await scorer.dispose();
  }
}

/** The same samples through the store: read, score, write results (one transaction per 256). */
async function endToEnd(samples: readonly RewardInput[], dir: string): Promise<number> {
  const file = path.join(dir, 'rescore-bench.jsonl');
  const db = path.join(dir, 'rescore-bench.db');
  for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  writeJsonl(
    file,
    samples.map((s, i) => ({
      step: 1 + Math.floor(i / 512),
      group: `g${Math.floor(i / 8)}`,
      prompt: s.prompt,
      response: s.response,
      reward: 0,
      ground_truth: s.ground_truth,
    })),
  );
  const store = Store.open(db);
  try {
    await new Ingestor(store, [file], { run: 'bench' }).ingestOnce();
    const t0 = process.hrtime.bigint();
    const r = await rescore(store, { run: 'bench', spec: 'math', trusted: false });
    return r.samples / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    store.close();
  }
}

async function onnxFigure(quick: boolean, dir: string): Promise<Record<string, unknown>> {
  writeTinyTokenizer(dir);
  writeTinyModel(path.join(dir, 'bench-rm.onnx'));
  const rand = prng(5);
  const vocab = ['good', 'bad', 'ok', 'unknown'];
  const count = quick ? 2_000 : 10_000;
  const samples: RewardInput[] = Array.from({ length: count }, (_, i) => ({
    id: String(i),
    prompt: '',
    response: Array.from({ length: 32 + Math.floor(rand() * 96) }, () => vocab[Math.floor(rand() * vocab.length)]).join(' '),
    ground_truth: null,
    data_source: null,
    extra: {},
  }));
  const figures: Record<string, unknown> = { samples: count, tokens_per_sample: '32–127' };
  for (const bs of [1, 16, 64]) {
    const spec = parseRewardSpec(`onnx(model=bench-rm.onnx, tokenizer=tokenizer.json, text=response, batchSize=${bs}, maxLength=128)`, {
      baseDir: dir,
    });
    const scorer = await createScorer(spec, { trusted: true, baseDir: dir });
    try {
      await scorer.score(samples.slice(0, 64));
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < samples.length; i += 256) await scorer.score(samples.slice(i, i + 256));
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      figures[`batch_${bs}_samples_per_s`] = Math.round(count / seconds);
    } finally {
      await scorer.dispose();
    }
  }
  return figures;
}

/** What a user waits for: `rescore --spec math` on a stored run, cold (the symbolic worker's start included). */
async function dbFigure(quick: boolean, dir: string): Promise<Record<string, unknown>> {
  const n = quick ? 5_000 : 20_000;
  const rate = await endToEnd(mathSamples(n), dir);
  return { samples: n, samples_per_s: Math.round(rate), limit_samples_per_s: 20_000, ratio_to_limit: Number((rate / 20_000).toFixed(2)) };
}

export async function run(opts: { quick: boolean; dir: string }): Promise<Record<string, Record<string, unknown>>> {
  return {
    rescore_math: await mathFigure(opts.quick),
    rescore_math_through_sqlite: await dbFigure(opts.quick, opts.dir),
    rescore_onnx: await onnxFigure(opts.quick, opts.dir),
  };
}
