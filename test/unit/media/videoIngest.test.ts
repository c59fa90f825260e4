// A native temporal-grounding run through a real SQLite store: video and segments stored, the group
// view's timeline (axis, targets, flagged and unparsable samples), per-step segment sums, warnings
// for a missing video, and the export that ingests back.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { stepSegmentMeans } from '../../../src/core/store/stepSums';
import { Store } from '../../../src/core/store/store';
import { groupView } from '../../../src/core/views/groupView';
import type { IngestReport } from '../../../src/shared/rollout';
import { tempDir, writeJsonl } from '../../helpers';

let dir: string;
let store: Store;
let report: IngestReport;
const ref = { run: 'v', split: 'train' as const, step: 1, group: 'q' };

function line(index: number, reward: number, segments: object, video: object | undefined = { path: 'clips/a.mp4', duration: 30 }): object {
  return { step: 1, group: 'q', index, prompt: 'when does the person open the door?', response: `a${index}`, reward, video, segments };
}

before(async () => {
  dir = tempDir();
  fs.mkdirSync(path.join(dir, 'clips'));
  fs.writeFileSync(path.join(dir, 'clips', 'a.mp4'), 'not decoded here');
  const file = path.join(dir, 'r.jsonl');
  writeJsonl(file, [
    line(0, 1, { pred: [[10, 20]], gt: [[10, 20]] }),
    line(1, 0.5, { pred: [[5, 25]], gt: [[10, 20]] }),
    line(2, 0, { pred: [], gt: [[10, 20]], unparsed: 'no <answer> block' }),
    line(3, 0, { pred: [[28, 40]], gt: [[10, 20]] }),
    line(4, 0, { pred: [[18, 12]], gt: [[10, 20]] }),
  ]);
  fs.appendFileSync(file, `${JSON.stringify(line(5, 0, { pred: [[1, 2, 3]] }))}\n`);
  fs.appendFileSync(
    file,
    `${JSON.stringify({ ...line(6, 0, { pred: [[1, 2]] }), group: 'other', video: { path: 'clips/missing.mp4' } })}\n`,
  );
  fs.appendFileSync(file, `${JSON.stringify({ ...line(7, 0, { pred: [[1, 2]] }), group: 'untimed', video: { path: 'clips/a.mp4' } })}\n`);
  store = Store.open(path.join(dir, 't.db'));
  report = await new Ingestor(store, [file], { run: 'v' }).ingestOnce();
});

describe('video and segments in a native run', () => {
  it('stores the valid lines, names a bad segment by line and a missing video per sample', () => {
    assert.equal(report.samples_added, 7);
    assert.deepEqual(report.errors, [
      { file: path.join(dir, 'r.jsonl'), line: 6, message: '"segments".pred[0] must be 2 finite numbers [start, end] in seconds' },
    ]);
    assert.deepEqual(report.warnings, [
      `step 1 group other sample 6: video ${path.join(dir, 'clips', 'missing.mp4')}: no such file (the timeline still shows)`,
      `step 1 group untimed sample 7: video ${path.join(dir, 'clips', 'a.mp4')}: duration unknown (its timeline ends at the latest segment, and no segment can be flagged as past the end)`,
    ]);
  });

  it('gives the group view a timeline: axis to the duration, flagged and unparsable samples', () => {
    assert.deepEqual(groupView(store, ref).view.timeline, {
      video: { ref: { path: path.join(dir, 'clips', 'a.mp4'), duration: 30 }, label: path.join(dir, 'clips', 'a.mp4') },
      duration: 30,
      duration_known: true,
      gt: [[10, 20]],
      samples: [
        { index: 0, pred: [[10, 20]], problems: [null], scores: { tiou: 1, length_ratio: 1 } },
        { index: 1, pred: [[5, 25]], problems: [null], scores: { tiou: 0.5, length_ratio: 2 } },
        { index: 3, pred: [[28, 40]], problems: ['ends after the video (30 s)'], scores: { tiou: 0, length_ratio: 1.2 } },
        // A reversed segment overlaps nothing: tIoU 0, as the rewards score it.
        { index: 4, pred: [[18, 12]], problems: ['start 18 > end 12'], scores: { tiou: 0, length_ratio: 0.6 } },
      ],
      unparsable: [{ index: 2, reason: 'no <answer> block' }],
    });
    // Without a known duration the axis ends at the latest segment end.
    const other = groupView(store, { ...ref, group: 'other' }).view.timeline!;
    assert.deepEqual([other.duration, other.duration_known], [2, false]);
  });

  it('keeps per-step sums: unparsable share, mean temporal IoU and length ratio', () => {
    const m = stepSegmentMeans(store, store.requireRun('v').id).train.get(1)!;
    assert.deepEqual(
      { ...m, tiou: Number(m.tiou!.toFixed(6)), length_ratio: Number(m.length_ratio!.toFixed(6)) },
      {
        n: 7,
        unparsable: 1 / 7,
        // Over the 4 samples with a segment and a target (2 gave none, 6 and 7 have no target): (1 + 0.5 + 0 + 0) / 4.
        tiou: 0.375,
        length_ratio: 1.2,
      },
    );
  });

  it('exports video and segments, and the export ingests back the same timeline', async () => {
    const out = [...exportRun(store, store.requireRun('v').id)];
    assert.deepEqual(out.find((o) => o.index === 2)!.segments, { pred: [], gt: [[10, 20]], unparsed: 'no <answer> block' });
    const again = path.join(dir, 'export.jsonl');
    writeJsonl(again, out);
    const copy = Store.open(path.join(dir, 'copy.db'));
    await new Ingestor(copy, [again], { run: 'v' }).ingestOnce();
    assert.deepEqual(groupView(copy, ref).view.timeline, groupView(store, ref).view.timeline);
    copy.close();
  });
});
