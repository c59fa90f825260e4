// A Vision-Zero game written by the real companion logger (test/fixtures/vision-zero/make_fixture.py),
// ingested into a real SQLite store: the group view's game (players and their images, clues per
// round, votes and their histogram) and what is reported when a logged game is malformed.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { groupGame } from '../../../src/core/views/groupGame';
import { groupView } from '../../../src/core/views/groupView';
import type { GroupViewData } from '../../../src/shared/protocol/webviews/group';
import { tempDir } from '../../helpers';

const FIXTURE = path.resolve(__dirname, '../../fixtures/vision-zero');
const ref = { run: 'vz', split: 'train' as const, step: 3, group: 'clevr_epoch_0_sample_7' };
let view: GroupViewData;

before(async () => {
  const store = Store.open(path.join(tempDir(), 't.db'));
  const report = await new Ingestor(store, [path.join(FIXTURE, 'rollouts.jsonl')], { run: 'vz' }).ingestOnce();
  assert.deepEqual([report.samples_added, report.errors, report.warnings ?? []], [5, [], []]);
  view = groupView(store, ref).view;
  store.close();
});

describe('group view: a Vision-Zero game', () => {
  it('lists the original and the spy’s image once each, sized at ingest', () => {
    assert.deepEqual(
      view.media?.images.map((i) => i.ref),
      [
        { path: path.join(FIXTURE, 'images', 'original.png'), width: 4, height: 3 },
        { path: path.join(FIXTURE, 'images', 'spy.png'), width: 5, height: 3 },
      ],
    );
  });

  it('gives the spy, each player’s image from its clue turns, the clues per round and every vote', () => {
    assert.deepEqual(view.game, {
      game_id: 'clevr_epoch_0_sample_7',
      spy: 3,
      players: [
        { player: 1, role: 'civilian', image: 0 },
        { player: 2, role: 'civilian', image: 0 },
        { player: 3, role: 'spy', image: 1 },
        { player: 4, role: 'civilian', image: 0 },
      ],
      original_image: 0,
      rounds: [
        {
          round: 1,
          clues: [
            { player: 1, text: 'a red cube on the left' },
            { player: 2, text: 'a blue sphere in front' },
            { player: 3, text: 'a <b>green</b> cube, big' },
            { player: 4, text: 'a small cylinder' },
          ],
        },
        {
          round: 2,
          clues: [
            { player: 1, text: 'the cube is metal' },
            { player: 2, text: 'the sphere is rubber' },
            { player: 3, text: 'something green & shiny' },
            { player: 4, text: 'the cylinder is grey' },
          ],
        },
      ],
      votes: [
        { index: 0, vote: 3 },
        { index: 1, vote: null },
        { index: 2, vote: 2 },
        { index: 3, vote: 3 },
        { index: 4, vote: null },
      ],
      histogram: [
        { vote: 1, count: 0, spy: false },
        { vote: 2, count: 1, spy: false },
        { vote: 3, count: 2, spy: true },
        { vote: 4, count: 0, spy: false },
        { vote: null, count: 2, spy: false },
      ],
      warnings: [],
    });
  });
});

describe('groupGame on rows it cannot fully read', () => {
  const clue = (p: number, role: string, text: string, image: string): object => ({
    role: 'environment',
    content: `Player ${p} (${role}), round 1: ${text}`,
    trained: false,
    images: [{ path: image }],
  });
  const media = {
    images: [
      { ref: { path: '/g/a.png' }, label: 'a' },
      { ref: { path: '/g/b.png' }, label: 'b' },
    ],
    samples: [],
  };
  const turns = JSON.stringify([clue(1, 'civilian', 'x', '/g/a.png'), clue(2, 'spy', 'y', '/g/b.png')]);
  const meta = (vz: object): string => JSON.stringify({ vision_zero: vz });

  it('is null when no sample has meta.vision_zero', () => {
    assert.equal(groupGame([{ idx: 0, turns, images: null, meta: JSON.stringify({ other: 1 }) }], media), null);
    assert.equal(groupGame([{ idx: 0, turns, images: null, meta: null }], media), null);
  });

  it('counts a vote for a player outside the game, and names what it could not read', () => {
    const game = groupGame(
      [
        { idx: 0, turns, images: null, meta: meta({ game_id: 'g', spy: 2, players: [{ player: 1 }, { player: 2 }], vote: 7 }) },
        { idx: 1, turns, images: null, meta: meta({ game_id: 'g', spy: 2, players: [], vote: 'two' }) },
        { idx: 2, turns, images: null, meta: null },
      ],
      media,
    );
    assert.deepEqual(game?.players, [
      { player: 1, role: 'civilian', image: 0 },
      { player: 2, role: 'spy', image: 1 },
    ]);
    assert.deepEqual(game?.votes, [{ index: 0, vote: 7 }]);
    assert.deepEqual(game?.histogram, [
      { vote: 1, count: 0, spy: false },
      { vote: 2, count: 0, spy: true },
      { vote: 7, count: 1, spy: false },
      { vote: null, count: 0, spy: false },
    ]);
    assert.deepEqual(game?.warnings, ['sample #1: meta.vision_zero.vote is not a player number, "N/A" or null: "two"']);
  });

  it('takes the players from the clue turns when meta lists none, and flags a spy that disagrees with them', () => {
    const game = groupGame([{ idx: 0, turns, images: null, meta: meta({ game_id: 5, spy: 1, vote: 'N/A' }) }], media);
    assert.equal(game?.game_id, '5');
    assert.deepEqual(game?.players, [
      { player: 1, role: 'spy', image: 0 },
      { player: 2, role: 'civilian', image: 1 },
    ]);
    assert.deepEqual(game?.warnings, [
      'sample #0: meta.vision_zero.players is not a list; the players are taken from the clue turns',
      "player 1's clue turns call it civilian, but meta.vision_zero.spy is 1",
      "player 2's clue turns call it spy, but meta.vision_zero.spy is 1",
    ]);
  });
});
