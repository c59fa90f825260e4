// The scale bench's run: a DAPO-shaped native run (512 prompts × 16 samples per step, prompts from a
// 17,408-prompt pool that come back every epoch, groups of 16 that share a prefix), generated here
// and ingested once into a database cached outside the clone, keyed by GENERATOR_VERSION, the schema
// version and size.
// Shape and word rates: docs/architecture.md#at-dapo-scale.
import { SCHEMA_VERSION } from '../src/core/store/migrations';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ingestor } from '../src/core/ingest/ingestor';
import { Store } from '../src/core/store/store';
import { prng } from '../test/helpers';

/** Bump when the rows below change: a cached database of another version is never reused. */
export const GENERATOR_VERSION = 1;
export const PROMPTS_PER_STEP = 512;
export const G = 16;
export const PROMPT_POOL = 17_408;
export const RUN = 'dapo';

/** Filler words: pseudo-words from syllables, so the index has a realistic vocabulary (~3,000 terms). */
function vocabulary(rand: () => number): string[] {
  const syl = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'shi', 'vo', 'pe', 'da', 'gri', 'mon', 'tel', 'sa', 'bu'];
  const out = new Set<string>();
  while (out.size < 3000) {
    const n = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += syl[Math.floor(rand() * syl.length)];
    out.add(w);
  }
  return [...out];
}

function words(rand: () => number, vocab: readonly string[], n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(vocab[Math.floor(rand() * vocab.length)]!);
  return out.join(' ');
}

/**
 * One step's rows as JSONL. Rates per response: "recheck" 1/2 (the common word), "double-check" and
 * "arithmetic" 1/4 each apart, the phrase "double-check the arithmetic" 1/20, "zygomorphic" 1 in
 * 100,000 (the rare word).
 */
function stepRows(step: number, steps: number, vocab: readonly string[], rand: () => number): string {
  const lines: string[] = [];
  for (let p = 0; p < PROMPTS_PER_STEP; p++) {
    const k = ((step - 1) * PROMPTS_PER_STEP + p) % PROMPT_POOL;
    const pr = prng(k + 1);
    const prompt = `<|im_start|>user\nProblem ${k}: ${words(pr, vocab, 24)}. Put the answer in \\boxed{}.<|im_end|>\n<|im_start|>assistant\n`;
    // Each prompt has a difficulty; the policy gets better with steps, so easy prompts go all-correct.
    const solve = Math.min(1, Math.max(0, pr() * 1.2 - 0.3 + (0.6 * step) / steps));
    const trunk = words(rand, vocab, 12);
    for (let i = 0; i < G; i++) {
      const r = rand();
      const parts = [trunk, words(rand, vocab, 20)];
      if (r < 0.5) parts.push('wait let me recheck');
      if (rand() < 0.25) parts.push('I double-check it');
      if (rand() < 0.25) parts.push('the arithmetic holds');
      if (rand() < 0.05) parts.push('I double-check the arithmetic');
      if (rand() < 0.00001) parts.push('a zygomorphic flower');
      const correct = rand() < solve;
      parts.push(`so the answer is \\boxed{${correct ? k % 97 : (k + 1) % 97}}`);
      lines.push(JSON.stringify({ step, group: `${step}-${p}`, prompt, response: parts.join(' '), reward: correct ? 1 : 0, correct }));
    }
  }
  return lines.join('\n') + '\n';
}

export interface ScaleRun {
  db: string;
  samples: number;
  steps: number;
  /** Seconds the generation and ingest took, when this call made the database (null when cached). */
  built_s: number | null;
}

/** The cached database for `steps` steps, made (generate, ingest, delete the JSONL) when missing. */
export async function scaleRun(steps: number, log: (s: string) => void): Promise<ScaleRun> {
  const root = process.env['ROLLOUT_LENS_BENCH_SCALE_DIR'] ?? path.join(os.homedir(), '.cache', 'rollout-lens', 'bench-scale');
  // The schema too: a database made by another version's migrations is never reused.
  const dir = path.join(root, `v${GENERATOR_VERSION}-s${SCHEMA_VERSION}-${steps}`);
  const db = path.join(dir, 'run.db');
  const samples = steps * PROMPTS_PER_STEP * G;
  if (fs.existsSync(`${db}.ok`)) return { db, samples, steps, built_s: null };
  const t0 = performance.now();
  fs.rmSync(dir, { recursive: true, force: true });
  const data = path.join(dir, 'rollouts');
  fs.mkdirSync(data, { recursive: true });
  const rand = prng(31);
  const vocab = vocabulary(prng(3));
  log(`generating ${samples.toLocaleString('en-US')} samples into ${data}…`);
  // One file per step, as a trainer's rollout dump writes them.
  for (let s = 1; s <= steps; s++)
    fs.writeFileSync(path.join(data, `step_${String(s).padStart(5, '0')}.jsonl`), stepRows(s, steps, vocab, rand));
  log(`ingesting into ${db}…`);
  const store = Store.open(db);
  await new Ingestor(store, [data], { run: RUN }).ingestOnce();
  store.close();
  fs.rmSync(data, { recursive: true });
  fs.writeFileSync(`${db}.ok`, '');
  return { db, samples, steps, built_s: Math.round((performance.now() - t0) / 1000) };
}

// `node --import tsx bench/scaleRun.ts STEPS`: make the cached database only (the bench does it too).
if (process.argv[1] === __filename) {
  const steps = Number(process.argv[2] ?? 125);
  void scaleRun(steps, (s) => process.stderr.write(s + '\n')).then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
