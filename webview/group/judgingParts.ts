// The judging section's reward-model bars, p(reference) table and stage counts (judgingSection.ts).
import { multiRmAdvantages } from '../../src/shared/judgedAdvantages';
import type { Stage } from '../../src/shared/judging';
import { STAGES } from '../../src/shared/judging';
import type { GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import type { AnswerSampleView, GroupRewardModels } from '../../src/shared/protocol/webviews/judging';
import { el } from '../shared/dom';
import { fmt, percent, signed } from '../shared/format';

/** One colour per model, from the theme's chart palette; the model's name is always written beside it too. */
const MODEL_COLOURS = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];

function modelColour(k: number): string {
  return `var(--vscode-charts-${MODEL_COLOURS[k % MODEL_COLOURS.length]!})`;
}

function selectable(row: HTMLElement, index: number, select: (index: number) => void): HTMLElement {
  row.addEventListener('click', () => select(index));
  row.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') select(index);
  });
  return row;
}

/** The length model's verdict on a sample's words against its predicted range. */
function wordsText(words: number, range: [number, number] | null): string {
  if (!range) return `${words} words`;
  const [lo, hi] = range;
  const where = words < lo ? 'below' : words > hi ? 'above' : 'inside';
  return `${words} words, ${where} the predicted ${lo}–${hi}`;
}

/**
 * Each sample's advantage as the models' weighted shares stacked from 0: positive shares to the
 * right, negative to the left, all bars on one scale so samples compare.
 */
export function modelBars(rm: GroupRewardModels, snap: GroupSnapshot, select: (index: number) => void): HTMLElement {
  const order = snap.samples.map((s) => s.index);
  const byIndex = new Map(rm.samples.map((s) => [s.index, s]));
  const a = multiRmAdvantages(
    order.map((i) => byIndex.get(i)?.scores ?? null),
    rm.models,
  );
  let scale = 0;
  order.forEach((_, k) => {
    let pos = 0;
    let neg = 0;
    for (const m of rm.models) {
      const c = a.contributions[m]?.[k] ?? 0;
      if (c > 0) pos += c;
      else neg -= c;
    }
    scale = Math.max(scale, pos, neg);
  });
  const legend = el(
    'div',
    { cls: 'model-legend' },
    rm.models.map((m, k) => {
      const swatch = el('span', { cls: 'swatch' });
      swatch.style.background = modelColour(k);
      return el('span', { cls: 'model-key' }, [swatch, m]);
    }),
  );
  const rows = order.map((index, k) => {
    const s = byIndex.get(index);
    const neg = el('div', { cls: 'bar-neg' });
    const pos = el('div', { cls: 'bar-pos' });
    rm.models.forEach((m, mk) => {
      const c = a.contributions[m]?.[k] ?? 0;
      if (c === 0 || scale === 0) return;
      const seg = el('span', {
        cls: 'bar-seg',
        attrs: { 'data-model': m },
        title: `${m}: score ${fmt(s?.scores[m])}, its advantage ${signed(a.perModel[m]?.[k])}, share ${signed(c)}`,
      });
      // Set as properties: the webview's policy refuses style attributes in markup.
      seg.style.width = `${((Math.abs(c) / scale) * 100).toFixed(2)}%`;
      seg.style.background = modelColour(mk);
      (c > 0 ? pos : neg).append(seg);
    });
    const lengthModel = rm.models.find((m) => /length/i.test(m));
    return selectable(
      el('tr', { attrs: { 'data-index': index, tabindex: 0 } }, [
        el('td', { text: `#${index}` }),
        el('td', { cls: 'rm-scores', text: rm.models.map((m) => `${m} ${fmt(s?.scores[m])}`).join(' · ') }),
        el('td', { cls: 'rm-bar' }, [el('div', { cls: 'bar' }, [neg, pos])]),
        el('td', { cls: 'advantage', text: signed(a.advantages[k]) }),
        el('td', { cls: 'rm-words', text: s && (lengthModel || s.length_range) ? wordsText(s.words, s.length_range) : '' }),
      ]),
      index,
      select,
    );
  });
  return el('section', { cls: 'judging-part reward-models', attrs: { 'aria-label': 'Reward models' } }, [
    el('h3', { text: 'Reward models (advantage = mean of each model’s group-normalised advantage)' }),
    legend,
    el('table', { cls: 'judging-table', attrs: { id: 'rm-table' } }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          ['Sample', 'Scores', 'Share of the advantage per model', 'Advantage', 'Length'].map((t) => el('th', { text: t })),
        ),
      ]),
      el('tbody', {}, rows),
    ]),
  ]);
}

export function answerPart(answers: readonly AnswerSampleView[], select: (index: number) => void): HTMLElement {
  const zero = answers.filter((a) => a.p === 0).length;
  const mean = answers.reduce((s, a) => s + a.p, 0) / answers.length;
  const rows = answers.map((a) =>
    selectable(
      el('tr', { attrs: { 'data-index': a.index, tabindex: 0 } }, [
        el('td', { text: `#${a.index}` }),
        el('td', { cls: 'p-reference', text: fmt(a.p, 4) }),
        el('td', { text: a.logp === null ? (a.p === 0 ? '−∞' : '—') : fmt(a.logp, 4) }),
        el('td', { text: a.answer_offset === null ? 'no <answer> (p = 0)' : `at character ${a.answer_offset}` }),
      ]),
      a.index,
      select,
    ),
  );
  return el('section', { cls: 'judging-part answers', attrs: { 'aria-label': 'Probability of the reference answer' } }, [
    el('h3', { text: 'p(reference answer) is the reward (VeriFree)' }),
    el('div', {
      cls: 'judging-head',
      attrs: { id: 'p-head' },
      text: `mean p ${fmt(mean, 4)} · ${zero} of ${answers.length} with p = 0 (${percent(zero / answers.length)}: no answer part, or truncated)`,
    }),
    el('table', { cls: 'judging-table', attrs: { id: 'p-table' } }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          ['Sample', 'p(reference)', 'log p', 'Answer part'].map((t) => el('th', { text: t })),
        ),
      ]),
      el('tbody', {}, rows),
    ]),
  ]);
}

export function stagePart(stages: Readonly<Record<string, Stage>>, snap: GroupSnapshot): HTMLElement {
  const counts = STAGES.map((stage) => {
    const samples = snap.samples.filter((s) => stages[String(s.index)] === stage);
    return { stage, n: samples.length, solved: samples.filter((s) => s.success).length };
  });
  return el('section', { cls: 'judging-part stages', attrs: { 'aria-label': 'Rollout stages' } }, [
    el('h3', { text: 'Rollout stages (Cog-Rethinker)' }),
    el('div', {
      cls: 'judging-head',
      attrs: { id: 'stage-head' },
      text: counts
        .filter((c) => c.n > 0)
        .map((c) => `${c.stage}: ${c.solved} of ${c.n} solved`)
        .join(' · '),
    }),
  ]);
}
