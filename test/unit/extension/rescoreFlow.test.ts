// A re-score's progress ends with the scoring, not when the user answers the summary (the progress
// notification and its spinner stayed for as long as "Compare" was left unanswered).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoreThenOffer, summaryLine, type RescoreUi } from '../../../src/extension/commands/rescoreFlow';
import { LensError, ErrorCode } from '../../../src/shared/errors';
import type { RescoreSummary } from '../../../src/shared/rescore';

const SUMMARY = {
  set: 3,
  run: 'r',
  spec: 'math',
  label: 'math',
  status: 'complete',
  reason: null,
  resumed: false,
  reused: false,
  samples: 2048,
  scored: 2048,
  errors: 0,
  approximate: true,
} as RescoreSummary;

/** A UI that records what happens, whose summary is answered only when the test says so. */
function recordingUi(): { ui: RescoreUi; events: string[]; answer(compare: boolean): void } {
  const events: string[] = [];
  let answer: (compare: boolean) => void = () => undefined;
  const ui: RescoreUi = {
    withProgress: async (task) => {
      events.push('progress shown');
      try {
        return await task((m) => events.push(`progress: ${m}`), new AbortController().signal);
      } finally {
        events.push('progress gone');
      }
    },
    offerComparison: (message) => {
      events.push(`summary: ${message}`);
      return new Promise((resolve) => (answer = resolve));
    },
    failed: (e) => events.push(`failed: ${(e as Error).message}`),
  };
  return { ui, events, answer: (c) => answer(c) };
}

describe('re-score in the UI', () => {
  it('the progress is gone before the summary waits for the user; Compare opens the comparison', async () => {
    const { ui, events, answer } = recordingUi();
    const compared: number[] = [];
    const done = scoreThenOffer(
      ui,
      async (report) => {
        report('2048 of 2048 samples scored');
        return SUMMARY;
      },
      (r) => compared.push(r.set),
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, [
      'progress shown',
      'progress: 2048 of 2048 samples scored',
      'progress gone',
      'summary: Re-score set 3 (math): 2048/2048 scored (approximate)',
    ]);
    assert.deepEqual(compared, []);
    answer(true);
    await done;
    assert.deepEqual(compared, [3]);
  });

  it('a failed re-score ends its progress and says why, with no summary', async () => {
    const { ui, events } = recordingUi();
    await scoreThenOffer(
      ui,
      async () => {
        throw new LensError(ErrorCode.Untrusted, 'external commands refused');
      },
      () => assert.fail('no comparison for a failed re-score'),
    );
    assert.deepEqual(events, ['progress shown', 'progress gone', 'failed: external commands refused']);
  });

  it('an incomplete set says how to resume', () => {
    assert.equal(
      summaryLine({ ...SUMMARY, status: 'incomplete', reason: 'cancelled', scored: 100, approximate: false }),
      'Re-score set 3 (math): 100/2048 scored — incomplete: cancelled; run it again to resume',
    );
  });
});
