// Rewards without a verifier, as the group logged them (docs/webviews.md#judges-and-reward-models):
// BRPO's reference and each sample's verdict against it with the judge's votes, scores and critique
// side by side; each reward model's share of a sample's advantage as a stacked bar (LongWriter-Zero),
// with the length model's predicted word range against the sample's words; p(reference) per sample
// (VeriFree); and Cog-Rethinker's stages. Critiques are model text: set as text, never as markup.
import './judging.css';
import { brpoAdvantages, BRPO_TAU } from '../../src/shared/judgedAdvantages';
import type { PairwiseVote } from '../../src/shared/judging';
import type { GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import type { GroupPairwise } from '../../src/shared/protocol/webviews/judging';
import { counted } from '../../src/shared/text';
import { clear, el } from '../shared/dom';
import { fmt, percent, signed } from '../shared/format';
import { answerPart, modelBars, stagePart } from './judgingParts';

export interface JudgingCallbacks {
  select(index: number): void;
}

function voteText(v: PairwiseVote): string {
  const outcome = v.win === null ? 'tie' : v.win ? 'won' : 'lost';
  const scores = v.score !== undefined && v.against_score !== undefined ? ` ${fmt(v.score)} : ${fmt(v.against_score)}` : '';
  return `${v.order === 'ab' ? 'shown first' : 'shown second'}: ${outcome}${scores}`;
}

function verdictText(verdict: number | null, reference: boolean): string {
  if (reference) return 'reference';
  if (verdict === null) return 'not judged';
  return verdict > 0 ? '+1 beat the reference' : '−1 did not beat it';
}

export class JudgingSection {
  readonly root: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;

  constructor(private readonly cb: JudgingCallbacks) {
    this.summary = el('summary', { text: 'Judges' });
    this.body = el('div', { cls: 'judging-body' });
    this.root = el('details', { cls: 'judging-section', attrs: { open: true, hidden: true, id: 'judging' } }, [this.summary, this.body]);
  }

  setSnapshot(snap: GroupSnapshot): void {
    clear(this.body);
    const j = snap.judging;
    this.root.hidden = j === null;
    if (!j) return;
    const parts: string[] = [];
    if (j.pairwise) {
      parts.push('pairwise judge');
      this.body.append(this.pairwisePart(j.pairwise, snap));
    }
    if (j.reward_models) {
      parts.push(counted(j.reward_models.models.length, 'reward model'));
      this.body.append(modelBars(j.reward_models, snap, this.cb.select));
    }
    if (j.answers) {
      parts.push('p(reference)');
      this.body.append(answerPart(j.answers, this.cb.select));
    }
    if (j.stages) {
      parts.push('rollout stages');
      this.body.append(stagePart(j.stages, snap));
    }
    this.summary.textContent = `Judges · ${parts.join(' · ')}`;
  }

  private pairwisePart(p: GroupPairwise, snap: GroupSnapshot): HTMLElement {
    const order = snap.samples.map((s) => s.index);
    const byIndex = new Map(p.samples.map((s) => [s.index, s]));
    const brpo = brpoAdvantages(
      p.reference === null ? null : order.indexOf(p.reference),
      order.map((i) => {
        const s = byIndex.get(i);
        return s && s.against !== null ? s.votes : null;
      }),
    );
    const head =
      p.reference === null
        ? 'No sample is marked the reference: verdicts cannot be counted.'
        : [
            `Reference: sample ${p.reference}`,
            brpo.preference === null ? null : `${percent(brpo.preference)} of the others beat it`,
            `skew |ΣA|/G = ${fmt(brpo.skew)}`,
            brpo.dropped ? `dropped (above τ = ${BRPO_TAU}): every advantage is 0` : `kept (τ = ${BRPO_TAU})`,
          ]
            .filter(Boolean)
            .join(' · ');
    const part = el('section', { cls: 'judging-part pairwise', attrs: { 'aria-label': 'Pairwise judge' } }, [
      el('h3', { text: 'Pairwise judge (BRPO)' }),
      el('div', { cls: `judging-head${brpo.dropped ? ' dropped' : ''}`, text: head, attrs: { id: 'brpo-head' } }),
    ]);
    for (const problem of p.problems) part.append(el('div', { cls: 'warning', text: problem, attrs: { role: 'note' } }));
    const rows = order.map((index, k) => {
      const s = byIndex.get(index);
      const isRef = index === p.reference;
      const verdict = brpo.verdicts[k] ?? null;
      const votes = (s?.votes ?? []).map((v) =>
        el('div', { cls: 'vote' }, [
          el('span', { cls: `vote-outcome ${v.win === null ? 'tie' : v.win ? 'won' : 'lost'}`, text: voteText(v) }),
          ...(v.critique
            ? [
                el('details', { cls: 'critique' }, [
                  el('summary', { text: 'Critique' }),
                  el('pre', { cls: 'critique-text', text: v.critique }),
                ]),
              ]
            : []),
        ]),
      );
      const row = el('tr', { cls: isRef ? 'reference' : '', attrs: { 'data-index': index, tabindex: 0 } }, [
        el('td', { text: `#${index}` }),
        el('td', { cls: 'verdict', text: verdictText(verdict, isRef) }),
        el('td', { cls: 'advantage', text: signed(brpo.advantages[k] ?? 0) }),
        el('td', { cls: 'votes' }, votes.length ? votes : [el('span', { cls: 'muted', text: isRef ? '—' : 'no votes' })]),
      ]);
      row.addEventListener('click', (e) => {
        if (!(e.target instanceof Element) || !e.target.closest('details.critique')) this.cb.select(index);
      });
      return row;
    });
    part.append(
      el('table', { cls: 'judging-table', attrs: { id: 'brpo-table' } }, [
        el('thead', {}, [
          el(
            'tr',
            {},
            ['Sample', 'Verdict', 'Advantage', 'Votes (this sample : reference)'].map((t) => el('th', { text: t })),
          ),
        ]),
        el('tbody', {}, rows),
      ]),
    );
    return part;
  }
}
