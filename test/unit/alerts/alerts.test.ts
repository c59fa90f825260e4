import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { updateAlerts, DETECTORS } from '../../../src/core/alerts/update';
import { alertRows, listAlerts } from '../../../src/core/alerts/alertList';
import type { StepDetector } from '../../../src/core/alerts/types';
import { Ingestor, type IngestOptions } from '../../../src/core/ingest/ingestor';
import { listSteps } from '../../../src/core/store/reads';
import { RescoreStore } from '../../../src/core/store/rescoreStore';
import { parseBadgeQuery, stepBadgePath } from '../../../src/shared/uri';
import { Store } from '../../../src/core/store/store';
import type { NativeRollout } from '../../../src/shared/rollout';
import { prng, tempDir, writeJsonl } from '../../helpers';

// Crafted runs: 20 steps (0–19), 4 groups of 4 per step, written in order, so the sample at
// (step s, group p, index i) gets id 16·s + 4·p + i + 1 in a fresh database.
const STEPS = 20;
const id = (s: number, p: number, i: number): number => 16 * s + 4 * p + i + 1;
/** Two correct and two wrong answers in every group, at every step. */
const healthyCorrect = (s: number, p: number, i: number): boolean => (s + p + i) % 2 === 0;

function healthyRow(s: number, p: number, i: number): NativeRollout {
  const c = healthyCorrect(s, p, i);
  return {
    step: s,
    group: `s${s}-p${p}`,
    index: i,
    prompt: `What is ${p} + ${i}?`,
    response: `Adding ${p} and ${i} gives the result. The answer is \\boxed{${c ? p + i : p + i + 1}}.`,
    reward: c ? 1 : 0,
    correct: c,
    components: { correctness: c ? 1 : 0 },
  };
}

function run(
  make: (s: number, p: number, i: number) => NativeRollout,
  steps: readonly number[] = [...Array(STEPS).keys()],
): NativeRollout[] {
  const rows: NativeRollout[] = [];
  for (const s of steps) for (let p = 0; p < 4; p++) for (let i = 0; i < 4; i++) rows.push(make(s, p, i));
  return rows;
}

async function ingest(
  db: string,
  rows: readonly NativeRollout[],
  opts: Partial<IngestOptions> = {},
  name = 'rollouts.jsonl',
): Promise<void> {
  const file = path.join(path.dirname(db), name);
  writeJsonl(file, rows);
  const store = Store.open(db);
  try {
    await new Ingestor(store, [file], { run: 'r', enrich: false, ...opts }).ingestOnce();
  } finally {
    store.close();
  }
}

function alertsOf(db: string): Array<{ kind: string; step: number; score: number; samples: number[] }> {
  const store = Store.open(db);
  try {
    return alertRows(store, store.requireRun('r').id).map((a) => ({
      kind: a.kind,
      step: a.step,
      score: Number(a.score.toFixed(6)),
      samples: a.samples,
    }));
  } finally {
    store.close();
  }
}

const fresh = (): string => path.join(tempDir('rl-alerts-'), 'a.db');

const lengthRun = (s: number, p: number, i: number): NativeRollout => {
  const r = healthyRow(s, p, i);
  // A length bonus on top of correctness, and responses that grow every step.
  const response = `${'x'.repeat(100 + 30 * s + 10 * i)} The answer is \\boxed{${r.correct ? p + i : p + i + 1}}.`;
  return { ...r, response, reward: (r.correct ? 1 : 0) + 0.001 * response.length };
};

const saturationRun = (s: number, p: number, i: number): NativeRollout => {
  // Group p becomes all-correct from step 4·(p + 1) on: 0, 1, 2, 3, 4 solved groups every 4 steps.
  const solved = p < Math.min(4, Math.floor(s / 4));
  const c = solved || healthyCorrect(s, p, i);
  return { ...healthyRow(s, p, i), reward: c ? 1 : 0, correct: c, components: { correctness: c ? 1 : 0 } };
};

const degenerateRun = (s: number, p: number, i: number): NativeRollout => {
  const r = healthyRow(s, p, i);
  if (s !== 12) return r;
  if (p === 0 && i === 0) return { ...r, response: '' };
  if (p === 1 && i === 1) return { ...r, response: 'the answer is five '.repeat(30) };
  if (p === 2 && i === 2) return { ...r, response: 'Either \\boxed{1} or \\boxed{2} or \\boxed{3}.' };
  return r;
};

describe('reward-hacking alerts', () => {
  it('stay quiet on a healthy run', async () => {
    const db = fresh();
    await ingest(db, run(healthyRow));
    assert.deepEqual(alertsOf(db), []);
  });

  it('stay quiet on a run that learns: accuracy 20% → 70% and responses grow, reward is correctness', async () => {
    const db = fresh();
    const rand = prng(7);
    const rows: NativeRollout[] = [];
    for (let s = 0; s < 30; s++) {
      for (let p = 0; p < 4; p++) {
        for (let i = 0; i < 8; i++) {
          const c = rand() < 0.2 + 0.5 * (s / 29);
          const words = 30 + 4 * s + Math.floor(rand() * 20);
          const response = `${Array.from({ length: words }, (_, k) => `w${(k * 7 + p + s) % 97}`).join(' ')} so \\boxed{${c ? 4 : 5}}`;
          rows.push({
            step: s,
            group: `s${s}-p${p}`,
            index: i,
            prompt: `q${p}`,
            response,
            reward: c ? 1 : 0,
            correct: c,
            components: { correctness: c ? 1 : 0, format: 1 },
          });
        }
      }
    }
    await ingest(db, rows);
    assert.deepEqual(alertsOf(db), []);
  });

  it('length exploitation: reward and length rise, and the longer same-correctness response always wins', async () => {
    const db = fresh();
    await ingest(db, run(lengthRun));
    // First full window is steps 0–7; in each group indexes 2 and 3 are the longer winners.
    assert.deepEqual(alertsOf(db), [{ kind: 'length_exploitation', step: 7, score: 1, samples: [115, 116, 119, 120, 123, 124, 127, 128] }]);
  });

  it('format gaming: the format component rises while accuracy stays at one half', async () => {
    const db = fresh();
    await ingest(
      db,
      run((s, p, i) => {
        const r = healthyRow(s, p, i);
        const f = Math.min(1, s / 10);
        return { ...r, reward: (r.correct ? 1 : 0) + 0.5 * f, components: { correctness: r.correct ? 1 : 0, format: f } };
      }),
    );
    // Rise over steps 0–7 is 0.1 × 7; the samples are step 7's wrong answers that got format credit.
    assert.deepEqual(alertsOf(db), [{ kind: 'format_gaming', step: 7, score: 0.7, samples: [113, 115, 118, 120, 121, 123, 126, 128] }]);
  });

  it('GUI-G1 box-size growth: predicted boxes grow while hits rise', async () => {
    const db = fresh();
    await ingest(
      db,
      run((s, p, i) => {
        const side = 10 + 2 * s;
        const hit = i < Math.min(3, 1 + Math.floor(s / 6)) ? 1 : 0;
        return {
          step: s,
          group: `s${s}-p${p}`,
          index: i,
          prompt: `Click the button ${p}`,
          response: `{"bbox_2d": [${5 + i}, 5, ${5 + i + side}, ${5 + side}]}`,
          reward: hit,
          components: { hit },
        };
      }),
    );
    // Areas (10 + 2s)² over steps 0–7: least-squares rise 475.99… ÷ window mean 310 = 1.535484.
    assert.deepEqual(alertsOf(db), [{ kind: 'box_growth', step: 7, score: 1.535484, samples: [113, 114, 117, 118, 121, 122, 125, 126] }]);
  });

  it('degenerate output: an empty answer, a loop and three boxed answers at one step', async () => {
    const db = fresh();
    await ingest(db, run(degenerateRun));
    assert.deepEqual(alertsOf(db), [
      { kind: 'degenerate_output', step: 12, score: 0.1875, samples: [id(12, 0, 0), id(12, 1, 1), id(12, 2, 2)] },
    ]);
    // The explorer's step rows carry the kinds, for the badge; the badge URI round-trips them.
    const store = Store.open(db);
    try {
      const page = listSteps(store, 'r', 11, 2);
      assert.deepEqual(
        page.rows.map((r) => [r.step, r.alerts]),
        [
          [11, []],
          [12, ['degenerate_output']],
        ],
      );
      const badge = stepBadgePath({ run: 'r', split: 'train', step: 12 }, page.rows[1]!.alerts);
      assert.deepEqual([badge.path, parseBadgeQuery(badge.query).alerts], ['/step/r/train/12', ['degenerate_output']]);
    } finally {
      store.close();
    }
  });

  it('saturation: all-correct groups spread and the effective-gradient ratio falls below 0.3', async () => {
    const db = fresh();
    await ingest(db, run(saturationRun));
    // Step 12: 3 of 4 groups solved (ratio 0.25); all-correct share over steps 5–12 rises by 0.458333.
    const solved = [0, 1, 2].flatMap((p) => [0, 1, 2, 3].map((i) => id(12, p, i)));
    assert.deepEqual(alertsOf(db), [{ kind: 'saturation', step: 12, score: 0.458333, samples: solved }]);
  });

  it('judges on fresh step statistics even when the steps were not recomputed yet', async () => {
    const db = fresh();
    await ingest(db, run(saturationRun), { alerts: false });
    const store = Store.open(db);
    try {
      // What an alert pass beside a running ingest can meet: samples stored, their steps still dirty.
      store.db.exec('UPDATE steps SET dirty = 1, stats = NULL');
      updateAlerts(store, store.requireRun('r').id);
      assert.deepEqual(
        alertRows(store, store.requireRun('r').id).map((a) => [a.kind, a.step]),
        [['saturation', 12]],
      );
    } finally {
      store.close();
    }
  });

  it('verifier disagreement: a re-score set disagrees with more samples every step', async () => {
    const db = fresh();
    await ingest(db, run(healthyRow));
    const store = Store.open(db);
    try {
      const runId = store.requireRun('r').id;
      const rs = new RescoreStore(store.db);
      const set = rs.createSet(runId, '"math"', 'math', '{}', 160);
      store.write(() => {
        // Steps 10–19: the first (s − 10) samples of step s get the opposite verdict.
        const rows = [];
        for (let s = 10; s < STEPS; s++) {
          for (let k = 0; k < 16; k++) {
            const p = Math.floor(k / 4);
            const i = k % 4;
            const c = healthyCorrect(s, p, i) !== k < s - 10;
            rows.push({
              sample_id: id(s, p, i),
              score: c ? 1 : 0,
              correct: c,
              components: null,
              rationale: null,
              extracted: null,
              error: null,
            });
          }
        }
        rs.writeResults(set, rows);
        rs.setStatus(set, 'complete', null);
      });
      updateAlerts(store, runId);
      const list = listAlerts(store, runId);
      assert.deepEqual(
        list.alerts.map((a) => ({ kind: a.kind, step: a.step, score: a.score, samples: a.samples, first: a.refs[0] })),
        [
          {
            kind: 'verifier_disagreement',
            step: 14,
            score: 0.25,
            samples: [id(14, 0, 0), id(14, 0, 1), id(14, 0, 2), id(14, 0, 3)],
            first: { id: id(14, 0, 0), split: 'train', step: 14, group: 's14-p0', index: 0 },
          },
        ],
      );
      assert.match(
        list.alerts[0]!.message,
        /re-score set "math" disagrees with the logged verdict on 4 of 16 samples \(25%\), \+0\.25 over steps 10–14/,
      );
      // Deleting the set takes its alerts with it at the next pass.
      rs.deleteSet(set);
      updateAlerts(store, runId);
      assert.deepEqual(alertRows(store, runId), []);
    } finally {
      store.close();
    }
  });

  it('a detector that throws is logged and disabled for the run; the ingest stores every row and the others still fire', async () => {
    const db = fresh();
    let seen = 0;
    const throwing: StepDetector<{ n: number }> = {
      kind: 'saturation',
      id: 'exploding',
      onset: false,
      init: () => ({ n: 0 }),
      add() {
        if (++seen === 5) throw new Error('boom on the fifth sample');
      },
      evaluate: () => null,
    };
    const warnings: string[] = [];
    await ingest(db, run(degenerateRun), {
      alerts: { detectors: [throwing as StepDetector, ...DETECTORS], batch: 7 },
      onWarning: (m) => warnings.push(m),
    });
    assert.deepEqual(warnings, ['run r: alert detector exploding failed (boom on the fifth sample); it is disabled for this run']);
    assert.equal(seen, 5);
    const store = Store.open(db);
    try {
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 320);
      const runId = store.requireRun('r').id;
      assert.deepEqual(listAlerts(store, runId).disabled, [{ detector: 'exploding', error: 'boom on the fifth sample' }]);
      // A later pass does not call it again.
      updateAlerts(store, runId, { detectors: [throwing as StepDetector, ...DETECTORS] });
      assert.equal(seen, 5);
    } finally {
      store.close();
    }
    assert.deepEqual(
      alertsOf(db).map((a) => [a.kind, a.step]),
      [['degenerate_output', 12]],
    );
  });

  it('another run’s samples in between change nothing: each run sees only its own', async () => {
    const db = fresh();
    await ingest(db, run(healthyRow, [0, 1, 2]), { run: 'other' }, 'o1.jsonl');
    await ingest(db, run(degenerateRun, [...Array(10).keys()]), {}, 'a.jsonl');
    await ingest(db, run(healthyRow, [3, 4, 5]), { run: 'other' }, 'o2.jsonl');
    await ingest(db, run(degenerateRun, [...Array(STEPS).keys()].slice(10)), {}, 'b.jsonl');
    // r's step 12 starts after other's 48, r's 160 (steps 0–9), other's next 48 and r's 32: id 289.
    assert.deepEqual(alertsOf(db), [{ kind: 'degenerate_output', step: 12, score: 0.1875, samples: [289, 294, 299] }]);
    const store = Store.open(db);
    try {
      assert.deepEqual(alertRows(store, store.requireRun('other').id), []);
    } finally {
      store.close();
    }
  });

  it('incremental: steps 0–9 then 10–19 give the same alerts as one ingest of 0–19', async () => {
    const combined = (s: number, p: number, i: number): NativeRollout => {
      const d = degenerateRun(s, p, i);
      return { ...saturationRun(s, p, i), response: d.response };
    };
    const once = fresh();
    await ingest(once, run(combined));
    const twice = fresh();
    const steps = [...Array(STEPS).keys()];
    await ingest(twice, run(combined, steps.slice(0, 10)), { alerts: { batch: 13 } }, 'a.jsonl');
    assert.deepEqual(alertsOf(twice), []);
    await ingest(twice, run(combined, steps.slice(10)), { alerts: { batch: 13 } }, 'b.jsonl');
    const expected = alertsOf(once);
    assert.deepEqual(
      expected.map((a) => [a.kind, a.step]),
      [
        ['degenerate_output', 12],
        ['saturation', 12],
      ],
    );
    assert.deepEqual(alertsOf(twice), expected);
    // New thresholds re-judge the stored state: a stricter effective-gradient bound moves saturation to step 16.
    const store = Store.open(twice);
    try {
      updateAlerts(store, store.requireRun('r').id, { thresholds: { saturationEffectiveMax: 0.1 } });
    } finally {
      store.close();
    }
    assert.deepEqual(
      alertsOf(twice).map((a) => [a.kind, a.step]),
      [
        ['degenerate_output', 12],
        ['saturation', 16],
      ],
    );
    assert.ok(fs.existsSync(twice));
  });
});
