// Opening the group view, engine side (issue 24): a group of 64 samples × 4k tokens, through a real
// forked engine and the extension's EngineClient. "before" replays the requests the panel used to
// send (samples/list, groups/tree and groups/tokenStats together, then samples/get for every sample,
// 8 at a time, only to read their components); "after" is today's one views/group request. Both run
// alternately in the same engine; figures are medians. Nothing here asserts time.
// `node --import tsx bench/groupOpen.bench.ts [--quick]` runs it alone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../src/extension/engineClient';
import { loadGroupView } from '../src/extension/webviews/groupViewLoad';
import type { GroupRef } from '../src/shared/explorer';
import { EngineMethods } from '../src/shared/protocol/engine';
import { TokenMethods } from '../src/shared/protocol/engineTokens';
import { prng } from '../test/helpers';

const ROOT = path.resolve(__dirname, '..');
const G = 64;
const TOKENS = 4096;

/** One step, one group: responses that share prefixes (so the tree branches), token ids and both logprobs. */
function writeGroup(file: string): void {
  const rand = prng(24);
  const trunk = Array.from({ length: TOKENS }, () => Math.floor(rand() * 30_000));
  const lines: string[] = [];
  for (let i = 0; i < G; i++) {
    const cut = Math.floor(rand() * TOKENS * 0.5);
    const ids = [...trunk.slice(0, cut), ...Array.from({ length: TOKENS - cut }, () => Math.floor(rand() * 30_000))];
    const logprobs = ids.map(() => -rand() * 3);
    lines.push(
      JSON.stringify({
        step: 1,
        group: 'g',
        prompt: 'Solve: what is 17 × 23?',
        response: ids.map((t) => `w${t % 997} `).join(''),
        reward: rand() < 0.5 ? 1 : 0,
        components: { correctness: rand() < 0.5 ? 1 : 0, format: 0.1 },
        response_ids: ids,
        logprobs,
        train_logprobs: logprobs.map((x) => x + (rand() - 0.5) * 0.02),
      }),
    );
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** The panel's load before issue 24, request for request. */
async function loadBefore(engine: EngineClient, ref: GroupRef): Promise<number> {
  let requests = 3;
  const [rows] = await Promise.all([
    engine.request(EngineMethods.listSamples, { ...ref }),
    engine.request(EngineMethods.groupTree, { ...ref }),
    engine.request(TokenMethods.groupTokenStats, { ...ref, epsilon: 0.2 }),
  ]);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const r = rows[next++]!;
      requests++;
      await engine.request(EngineMethods.getSample, { ...ref, index: r.index });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return requests;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(opts: { quick: boolean; dir: string }): Promise<Record<string, Record<string, unknown>>> {
  const dir = fs.mkdtempSync(path.join(opts.dir, 'group-open-'));
  const file = path.join(dir, 'g.jsonl');
  writeGroup(file);
  const engine = new EngineClient({
    enginePath: path.join(ROOT, 'dist', 'engine.js'),
    dbPath: path.join(dir, 'g.db'),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined, trace: () => undefined },
    nodePath: process.execPath,
  });
  try {
    await engine.request(EngineMethods.ingest, { paths: [file], run: 'bench' });
    const ref: GroupRef = { run: 'bench', split: 'train', step: 1, group: 'g' };
    const before: number[] = [];
    const after: number[] = [];
    let requestsBefore = 0;
    // A first round of each warms the engine (tokenizer, statement cache), as an opened panel would.
    await loadBefore(engine, ref);
    await loadGroupView(engine, ref, { clipEpsilon: 0.2, advantageEstimator: 'grpo' });
    for (let i = 0; i < (opts.quick ? 3 : 7); i++) {
      let t0 = performance.now();
      requestsBefore = await loadBefore(engine, ref);
      before.push(performance.now() - t0);
      t0 = performance.now();
      await loadGroupView(engine, ref, { clipEpsilon: 0.2, advantageEstimator: 'grpo' });
      after.push(performance.now() - t0);
    }
    const b = median(before);
    const a = median(after);
    return {
      group_open_engine: {
        samples: G,
        tokens_per_sample: TOKENS,
        requests_before: requestsBefore,
        requests_after: 1,
        limit_ms_before: Math.round(b * 10) / 10,
        after_ms: Math.round(a * 10) / 10,
        ratio_to_limit: Math.round((a / b) * 1000) / 1000,
      },
    };
  } finally {
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run({ quick: process.argv.includes('--quick'), dir: path.join(ROOT, '.bench') }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
