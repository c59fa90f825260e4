// Bad judge records never cost a sample: a p outside [0, 1], a vote count that differs within the
// group, a vote against a sample that is not the reference, a malformed vote. Each is reported with
// the file and line, the sample is stored without that field, and the group keeps every sample.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { groupView } from '../../../src/core/views/groupView';
import { tempDir, writeJsonl } from '../../helpers';

const base = { step: 2, group: 'g', prompt: 'Write a haiku.', response: 'x', reward: 0 };
const win = (order: 'ab' | 'ba', w: boolean | null) => ({ order, win: w });

describe('judge fields: bad input is reported per sample and the group is kept', () => {
  it('reports each bad record with its file and line, stores every sample, and the view names what only the group shows', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    writeJsonl(file, [
      { ...base, index: 0, pairwise: { reference: true } },
      { ...base, index: 1, pairwise: { against: 0, votes: [win('ab', true), win('ba', true)] } },
      // Line 3: four votes where the group's others cast two.
      { ...base, index: 2, pairwise: { against: 0, votes: [win('ab', true), win('ba', false), win('ab', true), win('ba', true)] } },
      // Line 4: against a sample that is not the reference (and not in the group).
      { ...base, index: 3, pairwise: { against: 9, votes: [win('ab', false), win('ba', false)] } },
      // Line 5: a vote whose win is not a boolean.
      { ...base, index: 4, pairwise: { against: 0, votes: [{ order: 'ab', win: 'yes' }] } },
      // Line 6: p outside [0, 1].
      { ...base, group: 'h', index: 0, p_reward: 1.3 },
      { ...base, group: 'h', index: 1, p_reward: 0.25, answer_offset: 0 },
    ]);
    const store = Store.open(path.join(dir, 'a.db'));
    const r = await new Ingestor(store, [file], { run: 'bad' }).ingestOnce();
    assert.equal(r.samples_added, 7);
    assert.deepEqual(
      r.errors.map((e) => [path.basename(e.file), e.line, e.message]),
      [
        ['r.jsonl', 3, 'step 2 group "g" sample 2: "pairwise".votes: 4 votes, but earlier samples of the group have 2'],
        ['r.jsonl', 4, 'step 2 group "g" sample 3: "pairwise".against names sample 9, not in the group as its reference (sample 0)'],
        [
          'r.jsonl',
          5,
          'step 2 group "g" sample 4: "pairwise".votes[0].win must be true, false or null (a tie), got a string ("yes"); stored without it',
        ],
        ['r.jsonl', 6, 'step 2 group "h" sample 0: "p_reward" must be a probability in [0, 1], got the number 1.3; stored without it'],
      ],
    );
    const pw = groupView(store, { run: 'bad', split: 'train', step: 2, group: 'g' }).view.judging!.pairwise!;
    assert.deepEqual(
      pw.samples.map((s) => [s.index, s.verdict, s.against]),
      [
        [0, 0, null],
        [1, 1, 0],
        [2, -1, 0],
        [3, -1, 9],
        [4, null, null],
      ],
    );
    assert.deepEqual(pw.problems, [
      "sample 3's votes name sample 9, which is not in the group",
      'the judged samples cast different numbers of votes (2, 4)',
    ]);
    const answers = groupView(store, { run: 'bad', split: 'train', step: 2, group: 'h' }).view.judging!.answers!;
    assert.deepEqual(answers, [{ index: 1, p: 0.25, logp: null, answer_offset: 0 }]);
    store.close();
  });
});
