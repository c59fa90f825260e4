// VLM-R1 / GUI-G1 reward debug logs (test/fixtures/gui-g1/make_debug_logs.py ran the trainers' own
// reward functions to write them), ingested into a real store, joined to a GUI-R1-style dataset.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { guiG1AnswerBox, vlmR1AnswerBox } from '../../../src/core/ingest/groundingAnswers';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { exportRun } from '../../../src/core/store/exporter';
import { Store } from '../../../src/core/store/store';
import { FIXTURES, tempDir } from '../../helpers';

const dir = path.join(FIXTURES, 'gui-g1');
const iou = path.join(dir, 'debug_log_GUI-G1_iou.txt');
const hit = path.join(dir, 'debug_log_GUI-G1_hit.txt');
const dataset = path.join(dir, 'GUI-R1-mini.json');
const login = path.join(dir, 'images', 'login.png');
const search = path.join(dir, 'images', 'search.png');

function rows(store: Store, run: string): Array<Record<string, unknown>> {
  return [...exportRun(store, store.requireRun(run).id)].map((s) => ({ ...s }) as Record<string, unknown>);
}

describe('GUI-G1 debug logs', () => {
  it('makes one sample per completion: iou and box apart by order in _iou.txt, hit from _hit.txt, images and instructions from the dataset', async () => {
    const store = Store.open(path.join(tempDir(), 'g.db'));
    const r = await new Ingestor(store, [iou, hit], { run: 'g', datasets: [dataset] }).ingestOnce();
    assert.deepEqual(
      [r.format, r.files, r.samples_added, r.steps, r.errors, r.grouping, r.warnings],
      [
        'vlm-r1-debug',
        2,
        12,
        3,
        [],
        'contiguous',
        [
          'debug_log_GUI-G1_iou.txt line 55 (step 3, samples 0-3): no row of GUI-R1-mini.json has the target box [1, 2, 3, 4]; stored without an image',
        ],
      ],
    );
    const all = rows(store, 'g');
    assert.deepEqual(
      all.map((s) => [s['step'], s['group'], s['index'], s['reward'], s['components']]),
      [
        [1, '06-21-07-44-112346', 0, 1.3055893702631827, { iou: 0.1837270341207349, hit: 1, box: 0.1218623361424479 }],
        [1, '06-21-07-44-112346', 1, 0.1073098284964647, { iou: 0.031005859375, hit: 0, box: 0.0763039691214647 }],
        [1, '06-21-07-44-112346', 2, 0, { iou: 0, hit: 0, box: 0 }],
        [1, '06-21-07-44-112346', 3, 1.1607722802608849, { iou: 0.049868766404199474, hit: 1, box: 0.11090351385668543 }],
        [2, '06-21-07-44-113502', 0, 1.3115146536925661, { iou: 0.18928571428571428, hit: 1, box: 0.12222893940685188 }],
        [2, '06-21-07-44-113502', 1, 0, { iou: 0, hit: 0, box: 0 }],
        [2, '06-21-07-44-113502', 2, 0.07632173336759675, { iou: 0, hit: 0, box: 0.07632173336759675 }],
        [2, '06-21-07-44-113502', 3, 0, { iou: 0, hit: 0, box: 0 }],
        [3, '06-21-07-44-114393', 0, 1.375, { iou: 0.25, hit: 1, box: 0.125 }],
        [3, '06-21-07-44-114393', 1, 1.1245059288537549, { iou: 0, hit: 1, box: 0.12450592885375494 }],
        [3, '06-21-07-44-114393', 2, 0, { iou: 0, hit: 0, box: 0 }],
        [3, '06-21-07-44-114393', 3, 0, { iou: 0, hit: 0, box: 0 }],
      ],
    );
    // Boxes as GUI-G1 reads them: a fenced answer and single quotes count; a bare dict and a
    // "Solution:" line before the list do not (literal_eval(...)[0]['bbox_2d'] raises).
    assert.deepEqual(
      all.map((s) => (s['boxes'] as { pred: unknown[] }).pred),
      [
        [[10, 31, 38, 41]],
        [[0, 0, 64, 48]],
        [],
        [[20.5, 32, 30, 40]],
        [[5, 5, 58, 13]],
        [],
        [[30, 20, 50, 40]],
        [],
        [[1, 2, 3, 4]],
        [[2, 2, 3, 4]],
        [],
        [],
      ],
    );
    assert.deepEqual(all[0]!['boxes'], { pred: [[10, 31, 38, 41]], gt: [[8.5, 30, 40.25, 42]], image: 0, frame: 'original' });
    assert.deepEqual(
      all.map((s) => [s['prompt'], (s['images'] as Array<{ path: string }> | undefined)?.map((i) => i.path) ?? null]),
      [
        ...Array(4).fill(['click the Log in button', [login]]),
        ...Array(4).fill(['click the search field', [search]]),
        ...Array(4).fill(['(instruction not in the log; target [1, 2, 3, 4])', null]),
      ],
    );
    assert.equal(all[3]!['response'], "[{'bbox_2d': [20.5, 32.0, 30.0, 40.0]}]");
    assert.equal(all[7]!['response'], 'Solution: [4, 4, 60, 14]\n[{"bbox_2d": [4, 4, 60, 14]}]');
    assert.equal(all[0]!['ground_truth'], '[8.5, 30.0, 40.25, 42.0]');
    const again = await new Ingestor(store, [iou, hit], { run: 'g', datasets: [dataset] }).ingestOnce();
    assert.deepEqual([again.samples_added, again.samples_duplicate], [0, 0]);
    store.close();
  });

  it('reads new blocks appended to the log, storing each sample once', async () => {
    const tmp = tempDir();
    const text = (f: string): string[] => fs.readFileSync(f, 'utf8').split(/(?=^-------------)/m);
    const iouBlocks = text(iou);
    const hitBlocks = text(hit);
    // The first two calls: iou, box and hit of calls 1 and 2 (8 + 8 blocks in _iou.txt, 8 in _hit.txt).
    fs.writeFileSync(path.join(tmp, 'debug_log_r_iou.txt'), iouBlocks.slice(0, 16).join(''));
    fs.writeFileSync(path.join(tmp, 'debug_log_r_hit.txt'), hitBlocks.slice(0, 8).join(''));
    const store = Store.open(path.join(tmp, 'r.db'));
    const first = await new Ingestor(store, [tmp], { run: 'r' }).ingestOnce();
    assert.deepEqual([first.samples_added, first.steps, first.files, first.errors], [8, 2, 2, []]);
    fs.appendFileSync(path.join(tmp, 'debug_log_r_iou.txt'), iouBlocks.slice(16).join(''));
    fs.appendFileSync(path.join(tmp, 'debug_log_r_hit.txt'), hitBlocks.slice(8).join(''));
    const second = await new Ingestor(store, [tmp], { run: 'r' }).ingestOnce();
    assert.deepEqual([second.samples_added, second.samples_duplicate, second.errors], [4, 0, []]);
    assert.deepEqual(
      rows(store, 'r').map((s) => [s['step'], s['index'], s['reward']]),
      [
        [1, 0, 1.3055893702631827],
        [1, 1, 0.1073098284964647],
        [1, 2, 0],
        [1, 3, 1.1607722802608849],
        [2, 0, 1.3115146536925661],
        [2, 1, 0],
        [2, 2, 0.07632173336759675],
        [2, 3, 0],
        [3, 0, 1.375],
        [3, 1, 1.1245059288537549],
        [3, 2, 0],
        [3, 3, 0],
      ],
    );
    store.close();
  });

  it('warns when rows of the dataset with different images share a target box', async () => {
    const tmp = tempDir();
    const ds = path.join(tmp, 'two.json');
    const row = { problem: 'click the Log in button', solution: [8.5, 30.0, 40.25, 42.0], rate: 1 };
    fs.writeFileSync(
      ds,
      JSON.stringify([
        { image: 'a.png', ...row },
        { image: 'b.png', ...row },
      ]),
    );
    const store = Store.open(path.join(tmp, 'a.db'));
    const r = await new Ingestor(store, [iou, hit], { run: 'a', datasets: [ds], imageRoot: tmp }).ingestOnce();
    assert.deepEqual(
      r.warnings,
      [
        'debug_log_GUI-G1_iou.txt line 1 (step 1, samples 0-3): 2 rows with different images or instructions have the target box [8.5, 30, 40.25, 42] (two.json row 0, two.json row 1); stored without an image',
        'debug_log_GUI-G1_iou.txt line 55 (step 3, samples 0-3): no row of two.json has the target box [1, 2, 3, 4]; stored without an image',
        'debug_log_GUI-G1_iou.txt line 29 (step 2, samples 0-3): no row of two.json has the target box [4, 4, 60, 14]; stored without an image',
      ].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    );
    assert.equal(r.samples_added, 12);
    store.close();
  });

  it('reports a malformed block by file and line and stores the blocks around it', async () => {
    const tmp = tempDir();
    const f = path.join(tmp, 'debug_log_m_hit.txt');
    fs.writeFileSync(
      f,
      [
        '------------- 01-10-00-00-000001 hit reward: 1.0 -------------',
        'Content: [{"bbox_2d": [1, 1, 3, 3]}]',
        'Solution: [0, 0, 4, 4]',
        '------------- 01-10-00-00-000001 hit reward: 0.0 -------------',
        'the trainer crashed mid-write',
        '------------- 01-10-00-00-000001 hit reward: oops -------------',
        'Content: x',
        'Solution: [0, 0, 4, 4]',
        '------------- 01-10-00-00-000001 hit reward: 0.0 -------------',
        'Content: [{"bbox_2d": [9, 9, 9, 9]}]',
        'Solution: [0, 0, 4, 4]',
        '',
      ].join('\n'),
    );
    const store = Store.open(path.join(tmp, 'm.db'));
    const r = await new Ingestor(store, [f], { run: 'm' }).ingestOnce();
    assert.deepEqual(r.errors, [
      { file: f, line: 4, message: 'hit reward block: expected a "Content: " line' },
      { file: f, line: 6, message: 'hit reward block: the reward "oops" is not a number' },
    ]);
    assert.deepEqual(
      rows(store, 'm').map((s) => [s['index'], s['reward'], s['components'], s['prompt']]),
      [
        [0, 1, { hit: 1 }, '(instruction not in the log; target [0, 0, 4, 4])'],
        [1, 0, { hit: 0 }, '(instruction not in the log; target [0, 0, 4, 4])'],
      ],
    );
    store.close();
  });
});

describe('VLM-R1 debug logs', () => {
  it('groups consecutive blocks of one image and instruction, adds the format log, and keeps the logged image path', async () => {
    const store = Store.open(path.join(tempDir(), 'v.db'));
    const r = await new Ingestor(store, [path.join(dir, 'vlm-r1')], { run: 'v' }).ingestOnce();
    assert.deepEqual([r.format, r.files, r.samples_added, r.steps, r.errors, r.warnings], ['vlm-r1-debug', 2, 8, 2, [], undefined]);
    const all = rows(store, 'v');
    assert.deepEqual(
      all.map((s) => [s['step'], s['index'], s['reward'], s['components'], s['prompt']]),
      [
        [1, 0, 1.877240548275342, { accuracy: 0.8772405482753421, format: 1 }, 'click the Log in button'],
        [1, 1, 0.1240234375, { accuracy: 0.1240234375, format: 0 }, 'click the Log in button'],
        [1, 2, 0, { accuracy: 0, format: 0 }, 'click the Log in button'],
        [1, 3, 0.18511971717820988, { accuracy: 0.18511971717820988, format: 0 }, 'click the Log in button'],
        [2, 0, 0.9236151603498541, { accuracy: 0.9236151603498541, format: 0 }, 'click the search field'],
        [2, 1, 0.9236151603498541, { accuracy: 0.9236151603498541, format: 0 }, 'click the search field'],
        [2, 2, 0, { accuracy: 0, format: 0 }, 'click the search field'],
        [2, 3, 0.8794871794871797, { accuracy: 0.8794871794871797, format: 0 }, 'click the search field'],
      ],
    );
    // image_path is relative to the trainer's working folder: without --image-root, the log's folder.
    assert.deepEqual(
      (all[0]!['images'] as Array<{ path: string }>).map((i) => i.path),
      [login],
    );
    assert.deepEqual(all[0]!['boxes'], { pred: [[9, 34, 35, 49]], gt: [], image: 0, frame: 'input' });
    assert.equal(all[2]!['boxes'], undefined);
    store.close();
  });
});

describe('answers read as the trainers read them', () => {
  it('GUI-G1: literal_eval of the fenced text, then [0]["bbox_2d"]', () => {
    assert.deepEqual(guiG1AnswerBox('```json\n[{"bbox_2d": [1, 2, 3, 4]}]\n```\nthanks'), [1, 2, 3, 4]);
    assert.deepEqual(guiG1AnswerBox("  [{'bbox_2d': (1, 2.5, 3e1, 4,), 'label': None}] # ok"), [1, 2.5, 30, 4]);
    assert.deepEqual(guiG1AnswerBox('[{"bbox_2d": [True, 2, 3, 4, 5]}]'), [1, 2, 3, 4]);
    assert.equal(guiG1AnswerBox('{"bbox_2d": [1, 2, 3, 4]}'), null);
    assert.equal(guiG1AnswerBox('[{"bbox_2d": [1, 2, 3]}]'), null);
    assert.equal(guiG1AnswerBox('The box is [{"bbox_2d": [1, 2, 3, 4]}]'), null);
    assert.equal(guiG1AnswerBox('[{"bbox_2d": [1, 2, 3, 4]}] [1]'), null);
  });

  it('VLM-R1: the first integer box inside the first <answer>', () => {
    assert.deepEqual(vlmR1AnswerBox('<think>[9,9,9,9]</think><answer>{"bbox_2d": [1, 2,3,  4]}</answer>'), [1, 2, 3, 4]);
    assert.equal(vlmR1AnswerBox('<answer>[1.5, 2, 3, 4]</answer>'), null);
    assert.equal(vlmR1AnswerBox('[1, 2, 3, 4]'), null);
  });
});
