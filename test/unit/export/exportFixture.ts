// A small run for the dataset export tests: five groups over three steps, two prompts asked twice,
// a truncated wrong sample, a stored alert and a re-score set that flips two verdicts.
import * as path from 'node:path';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { RescoreStore } from '../../../src/core/store/rescoreStore';
import { Store } from '../../../src/core/store/store';
import type { NativeRollout } from '../../../src/shared/rollout';
import { tempDir, writeJsonl } from '../../helpers';

export const ADD = '<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n';
export const PRIME = 'Name a prime.';

function row(
  step: number,
  group: string,
  prompt: string,
  response: string,
  reward: number,
  extra: Partial<NativeRollout> = {},
): NativeRollout {
  return { step, group, prompt, response, reward, correct: reward === 1, ...extra };
}

export const ROWS: NativeRollout[] = [
  row(1, 'a', ADD, 'The answer is 4.', 1, { ground_truth: '4' }),
  row(1, 'a', ADD, 'It is 5 because 5 5 5', 0, { ground_truth: '4', finish_reason: 'length' }),
  row(1, 'a', ADD, 'Maybe 4?', 0.5, { ground_truth: '4' }),
  row(1, 'b', PRIME, 'Nine.', 0, { ground_truth: '2' }),
  row(1, 'b', PRIME, 'One.', 0, { ground_truth: '2' }),
  row(2, 'c', ADD, '4', 1, { ground_truth: '4' }),
  row(2, 'c', ADD, 'Four: 4', 1, { ground_truth: '4' }),
  row(2, 'd', PRIME, 'Fifteen.', 0, { ground_truth: '2' }),
  row(2, 'd', PRIME, 'Twenty-one.', 0, { ground_truth: '2' }),
  row(3, 'e', 'Spell cat.', 'c-a-t', 1, { data_source: 'spelling', ground_truth: 'cat' }),
  row(3, 'e', 'Spell cat.', 'k-a-t', 0, { data_source: 'spelling', ground_truth: 'cat' }),
];

export interface ExportFixture {
  dir: string;
  db: string;
  store: Store;
  /** The re-score set: a0 scored wrong (to incorrect), a1 scored right (to correct), a2 unchanged. */
  setId: number;
}

/** Sample id of (step, group, index) in the fixture's database. */
export function sampleId(store: Store, group: string, index: number): number {
  return store.db
    .prepare('SELECT s.id FROM samples s JOIN groups g ON g.id = s.group_id WHERE g.uid = ? AND s.idx = ?')
    .pluck()
    .get(group, index) as number;
}

export async function exportFixture(): Promise<ExportFixture> {
  const dir = tempDir('rl-export-');
  writeJsonl(path.join(dir, 'r.jsonl'), ROWS);
  const db = path.join(dir, 'x.db');
  const store = Store.open(db);
  await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
  const runId = store.requireRun('r').id;
  // A stored alert as the detectors write it: the ids of the samples behind it.
  store.db
    .prepare(
      `INSERT INTO alerts (run_id, split, step, kind, score, message, samples) VALUES (?, 'train', 1, 'degenerate_output', 0.5, 'm', ?)`,
    )
    .run(runId, JSON.stringify([sampleId(store, 'a', 1), sampleId(store, 'b', 0)]));
  const rescore = new RescoreStore(store.db);
  const setId = rescore.createSet(runId, 'math', 'math', '{}', 3);
  const result = (group: string, index: number, score: number) => ({
    sample_id: sampleId(store, group, index),
    score,
    correct: score === 1,
    components: null,
    rationale: null,
    extracted: null,
    error: null,
  });
  store.db.transaction(() => rescore.writeResults(setId, [result('a', 0, 0), result('a', 1, 1), result('a', 2, 0)]))();
  rescore.setStatus(setId, 'complete', null);
  return { dir, db, store, setId };
}
