// VideoChat-R1 / Time-R1 IoU reward debug logs (test/fixtures/videochat-r1/make_debug_logs.py ran
// the trainers' own reward functions to write them), ingested into a real store and joined to a
// Charades-style annotation file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { VideoAnnotations } from '../../../src/core/ingest/videoDataset';
import { videoLogCalls } from '../../../src/core/ingest/videoLogFormat';
import { parseVideoRewardLog } from '../../../src/core/ingest/videoLogParse';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const dir = path.join(FIXTURES, 'videochat-r1');
const videochat = path.join(dir, 'qwen2.5_7b_vl_tg_video.txt');
const timeR1 = path.join(dir, 'time-r1-iou_v2.txt');
const annotations = path.join(dir, 'charades-mini.json');
const videos = '/data/Charades_v1';

function rows(store: Store, run: string): Array<Record<string, unknown>> {
  return [...exportRun(store, store.requireRun(run).id)].map((s) => ({ ...s }) as Record<string, unknown>);
}

/** The records the pass writes, before storage: what the log and the annotations make of each completion. */
function records(file: string, groupSize?: number): Array<Record<string, unknown>> {
  const parsed = parseVideoRewardLog(fs.readFileSync(file, 'utf8'));
  assert.deepEqual(parsed.errors, []);
  const calls = videoLogCalls(parsed.blocks, { file, groupSize, annotations: new VideoAnnotations([annotations], videos) });
  return calls.flatMap((c) => c.samples).map((s) => ({ ...s }) as Record<string, unknown>);
}

describe('VideoChat-R1 debug logs', () => {
  it('stores one sample per completion: steps by call order, the logged IoU, and the sentence from the annotations', async () => {
    const tmp = tempDir();
    // The videos are only looked for (the writer warns for a missing one): empty files stand in.
    const root = path.join(tmp, 'Charades_v1');
    fs.mkdirSync(root);
    for (const id of ['3MSZA', 'AO8RW']) fs.writeFileSync(path.join(root, `${id}.mp4`), '');
    const store = Store.open(path.join(tmp, 'v.db'));
    const r = await new Ingestor(store, [videochat], { run: 'v', datasets: [annotations], videoRoot: root }).ingestOnce();
    assert.deepEqual(
      [r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping, r.warnings],
      ['videochat-r1-debug', 1, 8, 2, [], 'contiguous', undefined],
    );
    assert.deepEqual(
      rows(store, 'v').map((s) => [s['step'], s['group'], s['index'], s['reward'], s['components'], s['prompt'], s['ground_truth']]),
      [
        [
          1,
          '06-21-49-53-207351#0',
          0,
          0.8906250000000001,
          { iou: 0.8906250000000001 },
          'person turn a light on',
          '{"timestamps":[24.3,30.4],"duration":30.96}',
        ],
        [1, '06-21-49-53-207351#0', 1, 0, { iou: 0 }, 'person turn a light on', '{"timestamps":[24.3,30.4],"duration":30.96}'],
        [1, '06-21-49-53-207351#0', 2, 0, { iou: 0 }, 'person turn a light on', '{"timestamps":[24.3,30.4],"duration":30.96}'],
        [
          1,
          '06-21-49-53-207351#0',
          3,
          0.5545454545454543,
          { iou: 0.5545454545454543 },
          'person turn a light on',
          '{"timestamps":[24.3,30.4],"duration":30.96}',
        ],
        [
          2,
          '06-21-49-53-207916#0',
          0,
          0.7971014492753623,
          { iou: 0.7971014492753623 },
          'a person is putting a book on a shelf',
          '{"timestamps":[0,6.9],"duration":25.13}',
        ],
        [
          2,
          '06-21-49-53-207916#0',
          1,
          0.5444444444444445,
          { iou: 0.5444444444444445 },
          'a person is putting a book on a shelf',
          '{"timestamps":[0,6.9],"duration":25.13}',
        ],
        [2, '06-21-49-53-207916#0', 2, 0, { iou: 0 }, 'a person is putting a book on a shelf', '{"timestamps":[0,6.9],"duration":25.13}'],
        [2, '06-21-49-53-207916#0', 3, 0, { iou: 0 }, 'a person is putting a book on a shelf', '{"timestamps":[0,6.9],"duration":25.13}'],
      ],
    );
    const stored = rows(store, 'v');
    // The answer keeps its own line break; meta points at the block.
    assert.equal(stored[3]!['response'], '<think>At the end.</think>\n<answer>between 20 and 31</answer>');
    assert.deepEqual(stored[3]!['meta'], { debug_log: 'qwen2.5_7b_vl_tg_video.txt:13', reward_time: '06-21-49-53-207351' });
    // Stored as parsed: the video (absolute, with its duration) and the segments with the unparsed reasons.
    assert.deepEqual(
      stored.map((s) => [s['video'], s['segments']]),
      records(videochat).map((s) => [
        { ...(s['video'] as object), path: path.join(root, path.basename((s['video'] as { path: string }).path)) },
        s['segments'],
      ]),
    );
    assert.deepEqual(stored[2]!['video'], { path: path.join(root, '3MSZA.mp4'), duration: 30.96 });
    assert.deepEqual(stored[2]!['segments'], { pred: [], unparsed: "the answer's start 30.5 is after its end 25", gt: [[24.3, 30.4]] });
    store.close();
  });

  it('reads segments as the reward did, says why none was read, and joins the video and its duration', () => {
    assert.deepEqual(
      records(videochat).map((s) => [s['step'], s['index'], s['segments'], s['video']]),
      [
        [1, 0, { pred: [[24, 30]], gt: [[24.3, 30.4]] }, { path: '/data/Charades_v1/3MSZA.mp4', duration: 30.96 }],
        [
          1,
          1,
          { pred: [], unparsed: 'no <answer>…</answer> in the response', gt: [[24.3, 30.4]] },
          { path: '/data/Charades_v1/3MSZA.mp4', duration: 30.96 },
        ],
        [
          1,
          2,
          { pred: [], unparsed: "the answer's start 30.5 is after its end 25", gt: [[24.3, 30.4]] },
          { path: '/data/Charades_v1/3MSZA.mp4', duration: 30.96 },
        ],
        [1, 3, { pred: [[20, 31]], gt: [[24.3, 30.4]] }, { path: '/data/Charades_v1/3MSZA.mp4', duration: 30.96 }],
        [2, 0, { pred: [[0, 5.5]], gt: [[0, 6.9]] }, { path: '/data/Charades_v1/AO8RW.mp4', duration: 25.13 }],
        [2, 1, { pred: [[2, 9]], gt: [[0, 6.9]] }, { path: '/data/Charades_v1/AO8RW.mp4', duration: 25.13 }],
        [
          2,
          2,
          { pred: [], unparsed: 'no "S to E" or "S and E" in the last <answer>…</answer>', gt: [[0, 6.9]] },
          { path: '/data/Charades_v1/AO8RW.mp4', duration: 25.13 },
        ],
        [
          2,
          3,
          { pred: [], unparsed: "the answer's start 8 is after its end 1", gt: [[0, 6.9]] },
          { path: '/data/Charades_v1/AO8RW.mp4', duration: 25.13 },
        ],
      ],
    );
  });

  it("keeps Time-R1's reversed answers (its parser does not reject them) and its duration-weighted IoU", () => {
    assert.deepEqual(
      records(timeR1).map((s) => [s['step'], s['index'], s['reward'], s['segments']]),
      [
        [1, 0, 0.8705996296797068, { pred: [[24, 30]], gt: [[24.3, 30.4]] }],
        [1, 1, 0, { pred: [], unparsed: 'no <answer>…</answer> in the response', gt: [[24.3, 30.4]] }],
        [1, 2, 0, { pred: [[30.5, 25]], gt: [[24.3, 30.4]] }],
        [1, 3, 0.4682708871662358, { pred: [[20, 31]], gt: [[24.3, 30.4]] }],
        [2, 0, 0.752694683299019, { pred: [[0, 5.5]], gt: [[0, 6.9]] }],
        [2, 1, 0.45923836717592204, { pred: [[2, 9]], gt: [[0, 6.9]] }],
        [2, 2, 0, { pred: [], unparsed: 'no "S to E" or "S and E" in the last <answer>…</answer>', gt: [[0, 6.9]] }],
        [2, 3, 0, { pred: [[8, 1]], gt: [[0, 6.9]] }],
      ],
    );
  });

  it('splits a call into --group-size groups', () => {
    assert.deepEqual(
      records(videochat, 2)
        .slice(0, 4)
        .map((s) => [s['step'], s['group'], s['index']]),
      [
        [1, '06-21-49-53-207351#0', 0],
        [1, '06-21-49-53-207351#0', 1],
        [1, '06-21-49-53-207351#1', 0],
        [1, '06-21-49-53-207351#1', 1],
      ],
    );
  });

  it('warns for a target segment no annotation has, or several disagree on, and stores the text without a video', async () => {
    const tmp = tempDir();
    const ann = path.join(tmp, 'ambiguous.json');
    fs.writeFileSync(
      ann,
      JSON.stringify({
        A1: { duration: 31, timestamps: [[24.3, 30.4]], sentences: ['Person turns a light on.'] },
        B2: {
          duration: 40,
          timestamps: [
            [1, 2],
            [24.3, 30.4],
          ],
          sentences: ['x', 'person opens a door'],
        },
      }),
    );
    const store = Store.open(path.join(tmp, 'w.db'));
    const r = await new Ingestor(store, [videochat], { run: 'w', datasets: [ann] }).ingestOnce();
    assert.deepEqual(r.warnings, [
      'qwen2.5_7b_vl_tg_video.txt line 1 (step 1, group 06-21-49-53-207351#0, samples 0-3): 2 annotations with different videos or sentences have the target segment [24.3, 30.4] (ambiguous.json A1 sentence 0, ambiguous.json B2 sentence 1); stored without a video',
      'qwen2.5_7b_vl_tg_video.txt line 18 (step 2, group 06-21-49-53-207916#0, samples 0-3): no annotation in ambiguous.json has the target segment [0, 6.9]; stored without a video',
    ]);
    assert.deepEqual(
      rows(store, 'w')
        .map((s) => [s['step'], s['index'], s['prompt'], s['ground_truth']])
        .slice(3, 5),
      [
        [1, 3, '(sentence not in the log; target 24.3, 30.4 s)', '[24.3,30.4]'],
        [2, 0, '(sentence not in the log; target 0.0, 6.9 s)', '[0,6.9]'],
      ],
    );
    store.close();
  });

  it('names a malformed block by file and line and stores the others', async () => {
    const tmp = tempDir();
    const f = path.join(tmp, 'tg.txt');
    const lines = fs.readFileSync(videochat, 'utf8').split('\n');
    // Block 2 loses its "pred second" line; block 3's reward is not a number.
    lines.splice(5, 1);
    lines[10] = '------------- 06-21-49-53-207351 IoU reward: oops -------------';
    fs.writeFileSync(f, lines.join('\n'));
    const store = Store.open(path.join(tmp, 'm.db'));
    const r = await new Ingestor(store, [f], { run: 'm' }).ingestOnce();
    assert.deepEqual(r.errors, [
      {
        file: f,
        line: 5,
        message: 'IoU reward block: expected "pred second: S, E" and "gt second: GS, GE" as the two lines before the reward line',
      },
      { file: f, line: 8, message: 'IoU reward block: the reward "oops" is not a number' },
    ]);
    assert.deepEqual(
      rows(store, 'm').map((s) => [s['step'], s['index'], s['reward']]),
      [
        [1, 0, 0.8906250000000001],
        [1, 1, 0.5545454545454543],
        [2, 0, 0.7971014492753623],
        [2, 1, 0.5444444444444445],
        [2, 2, 0],
        [2, 3, 0],
      ],
    );
    store.close();
  });

  it('reads blocks appended to the log, storing each sample once, and finds the log in a folder by how it starts', async () => {
    const tmp = tempDir();
    const f = path.join(tmp, 'debug_log_tg.txt');
    const text = fs.readFileSync(videochat, 'utf8');
    // Call 1 and the first block of call 2, then the rest.
    const cut = text.split('\n').slice(0, 21).join('\n') + '\n';
    fs.writeFileSync(f, cut);
    fs.writeFileSync(path.join(tmp, 'notes.txt'), 'not a log\n');
    const store = Store.open(path.join(tmp, 'a.db'));
    const first = await new Ingestor(store, [tmp], { run: 'a' }).ingestOnce();
    assert.deepEqual([first.format, first.samples_added, first.steps, first.errors], ['videochat-r1-debug', 5, 2, []]);
    fs.appendFileSync(f, text.slice(cut.length));
    const second = await new Ingestor(store, [tmp], { run: 'a' }).ingestOnce();
    assert.deepEqual([second.samples_added, second.samples_duplicate, second.errors], [3, 0, []]);
    assert.deepEqual(
      rows(store, 'a').map((s) => [s['step'], s['index']]),
      [
        [1, 0],
        [1, 1],
        [1, 2],
        [1, 3],
        [2, 0],
        [2, 1],
        [2, 2],
        [2, 3],
      ],
    );
    store.close();
  });
});
