// Failure clusters (docs/algorithms.md#failure-clusters): the time to cluster 10k wrong responses of
// three known kinds, each among generic sentences to the length of a reasoning trace, in memory (vectors, choosing
// k, k-means, names) and end to end from a stored run (select, read, cluster). Limit: 30 s.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failureClusters } from '../src/core/analysis/failureClusters';
import { clusterTexts } from '../src/core/analysis/textClusters';
import { Ingestor } from '../src/core/ingest/ingestor';
import { Store } from '../src/core/store/store';
import { prng, writeJsonl } from '../test/helpers';
import { craftedFailures, purity, type Kind } from '../test/unit/analysis/failureTexts';

const LIMIT_S = 30;
/** Sentences any reasoning trace might hold, whatever went wrong in it. */
const FILLER = [
  'Let me start by restating the problem in my own words.',
  'We need to be careful with the order of operations here.',
  'First, I will write down everything the question tells us.',
  'There are several quantities involved, so let us name them.',
  'It helps to draw a small table of the values.',
  'This step follows directly from the definition.',
  'Now I will combine the two expressions from before.',
  'Let me double check the previous line before moving on.',
  'The question asks for a single number as the final answer.',
  'We can simplify the expression by collecting like terms.',
  'Substituting the known values into the formula gives the next line.',
  'So far the reasoning seems consistent with the statement.',
  'Next, consider what happens in the second part of the problem.',
  'Both sides of the equation can be divided by the same factor.',
  'I should keep track of the units throughout.',
  'Recall the formula for the area of a rectangle.',
  'The total is the sum of the individual parts.',
  'Each of the cases can be handled separately.',
  'This is a standard technique for problems of this kind.',
  'Putting everything together we are close to the result.',
];

/** n (quick: 2k) crafted wrong responses of three kinds, each among 10–30 generic sentences (about 0.8–2.5k characters). */
export function responses(n: number): Array<{ kind: Kind; text: string }> {
  const rand = prng(3);
  const counts = [Math.round(n * 0.45), Math.round(n * 0.35)];
  return craftedFailures([...counts, n - counts[0]! - counts[1]!], 11).map((c) => {
    const sentences: string[] = [];
    for (let w = 10 + Math.floor(rand() * 21); w > 0; w--) sentences.push(FILLER[Math.floor(rand() * FILLER.length)]!);
    const cut = Math.floor(rand() * sentences.length);
    return { kind: c.kind, text: [...sentences.slice(0, cut), c.text, ...sentences.slice(cut)].join(' ') };
  });
}

function figure(seconds: number, extra: Record<string, unknown>): Record<string, unknown> {
  return { ...extra, seconds: Number(seconds.toFixed(3)), limit_seconds: LIMIT_S, ratio_to_limit: Number((seconds / LIMIT_S).toFixed(3)) };
}

export async function run(opts: { quick: boolean; dir: string }): Promise<Record<string, Record<string, unknown>>> {
  const set = responses(opts.quick ? 2000 : 10_000);
  const texts = set.map((s) => s.text);
  let t0 = process.hrtime.bigint();
  const c = clusterTexts(texts, { seed: 1 });
  const memory = Number(process.hrtime.bigint() - t0) / 1e9;
  const kinds = set.map((s) => s.kind);
  const inMemory = figure(memory, {
    responses: texts.length,
    mean_response_chars: Math.round(texts.reduce((s, t) => s + t.length, 0) / texts.length),
    k: c.k,
    k_rule: c.kRule,
    sizes: c.clusters.map((x) => x.members.length),
    purity: Number(purity(c.clusters, kinds).toFixed(3)),
    terms: c.vocabulary,
  });

  const dir = fs.mkdtempSync(path.join(opts.dir, 'clusters-'));
  const file = path.join(dir, 'r.jsonl');
  writeJsonl(
    file,
    texts.map((text, i) => ({
      step: 1 + (i % 50),
      group: `g${Math.floor(i / 8)}`,
      prompt: 'Q',
      response: text,
      reward: 0,
      correct: false,
    })),
  );
  const store = Store.open(path.join(dir, 'db.sqlite'));
  try {
    await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
    t0 = process.hrtime.bigint();
    const r = failureClusters(store, { run: 'r', selection: { kind: 'wrong' } });
    const stored = Number(process.hrtime.bigint() - t0) / 1e9;
    return {
      clusters_10k_in_memory: inMemory,
      clusters_10k_from_sqlite: figure(stored, {
        selected: r.selected,
        clustered: r.clustered,
        k: r.k,
        sizes: r.clusters.map((x) => x.size),
      }),
    };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
