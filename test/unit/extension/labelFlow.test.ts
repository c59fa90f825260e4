// The Label… conversation (the explorer, the group view and sample documents all use it) against a
// real store: what it offers, what it stores, and what it says.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { addLabel, groupLabels, labelTags, listLabels, removeLabel } from '../../../src/core/store/labels';
import { Store } from '../../../src/core/store/store';
import { labelFlow, type LabelApi, type LabelChoice, type LabelUi } from '../../../src/extension/commands/labelFlow';
import { tempDir, writeJsonl } from '../../helpers';

async function storeWithGroup(): Promise<Store> {
  const dir = tempDir('rl-label-flow-');
  const file = path.join(dir, 'r.jsonl');
  writeJsonl(
    file,
    [0, 1].map((i) => ({ step: 4, group: 'g', prompt: 'p', response: `r${i}`, reward: i })),
  );
  const store = Store.open(path.join(dir, 'a.db'));
  await new Ingestor(store, [file], { run: 'r' }).ingestOnce();
  return store;
}

function api(store: Store): LabelApi {
  return {
    groupLabels: async (ref) => groupLabels(store, ref),
    tags: async (run) => labelTags(store, run),
    add: async (target, tag, note) => addLabel(store, target, tag, { note, user: 'ana' }),
    remove: async (target, tag) => removeLabel(store, target, tag),
  };
}

/** A UI that picks the choice whose label starts with `pick` and answers the input boxes in order, recording what it was shown. */
function scripted(pick: string, inputs: string[]): { ui: LabelUi; shown: string[]; offered: string[] } {
  const shown: string[] = [];
  const offered: string[] = [];
  const ui: LabelUi = {
    pick: async (title, choices: LabelChoice[]) => {
      shown.push(title);
      offered.push(...choices.map((c) => `${c.label} — ${c.description}`));
      return choices.find((c) => c.label.startsWith(pick));
    },
    input: async (ask) => {
      shown.push(ask.title);
      const v = inputs.shift();
      if (v !== undefined) shown.push(`check ${JSON.stringify(v)}: ${ask.validate(v) ?? 'ok'}`);
      return v;
    },
  };
  return { ui, shown, offered };
}

const sample1 = { run: 'r', split: 'train' as const, step: 4, group: 'g', index: 1 };

describe('Label… flow', () => {
  it('types a new tag and a note for a sample, then offers the tag again and takes it off', async () => {
    const store = await storeWithGroup();
    try {
      const first = scripted('$(add) New tag', ['reward-hack', 'format only']);
      assert.equal(await labelFlow(api(store), first.ui, sample1), 'Labelled step 4 group g sample 1: reward-hack.');
      assert.deepEqual(first.offered, ['$(add) New tag… — e.g. reward-hack, bad-gt, truncated-good']);
      assert.deepEqual(first.shown, [
        'Label step 4 group g sample 1',
        'New tag for step 4 group g sample 1',
        'check "reward-hack": ok',
        'Note for reward-hack on step 4 group g sample 1 (optional)',
        'check "format only": ok',
      ]);
      assert.deepEqual(
        listLabels(store, { run: 'r' }).map((l) => [l.index, l.tag, l.note, l.created_by]),
        [[1, 'reward-hack', 'format only', 'ana']],
      );

      // On the group: the run's tag is offered for reuse; no note.
      const group = scripted('$(tag) reward-hack', ['']);
      assert.equal(
        await labelFlow(api(store), group.ui, { run: 'r', split: 'train', step: 4, group: 'g' }),
        'Labelled step 4 group g: reward-hack.',
      );
      assert.deepEqual(group.offered, ['$(tag) reward-hack — 1 in this run', '$(add) New tag… — e.g. reward-hack, bad-gt, truncated-good']);

      const off = scripted('$(close) Remove reward-hack', []);
      assert.equal(await labelFlow(api(store), off.ui, sample1), 'Removed reward-hack from step 4 group g sample 1.');
      assert.deepEqual(off.offered.slice(0, 1), ['$(close) Remove reward-hack — format only']);
      assert.deepEqual(
        listLabels(store, { run: 'r' }).map((l) => [l.index, l.tag]),
        [[null, 'reward-hack']],
      );
    } finally {
      store.close();
    }
  });

  it('checks a typed tag in the input box and stores nothing when the user steps out', async () => {
    const store = await storeWithGroup();
    try {
      const bad = scripted('$(add) New tag', ['two words']);
      // The input box refuses the tag as typed; the user then closes the note box (no more answers).
      assert.equal(await labelFlow(api(store), bad.ui, sample1), undefined);
      assert.equal(
        bad.shown[2],
        'check "two words": invalid label tag "two words": use letters, digits and . _ : -, starting with a letter or digit (e.g. reward-hack)',
      );
      assert.equal(await labelFlow(api(store), scripted('nothing', []).ui, sample1), undefined);
      assert.deepEqual(listLabels(store, { run: 'r' }), []);
    } finally {
      store.close();
    }
  });
});
