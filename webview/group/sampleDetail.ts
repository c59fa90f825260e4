// One sample in full: the response with reflection keywords highlighted and math rendered, or the
// tree's tokens underlined by their TEMPO advantage (exact trees only); the verifier rationale(s),
// the ground truth, and the actions that go through the host (diff, re-score, open as document).
import type { SampleDetail } from '../../src/shared/explorer';
import type { GroupSnapshot, GroupTreeNodeView } from '../../src/shared/protocol/webviews/group';
import { ChunkedText, type Mark } from '../shared/chunkedText';
import { clear, el, message } from '../shared/dom';
import { fmt, signed } from '../shared/format';
import { button, checkbox } from '../shared/ui';
import type { GroupUi } from './state';
import { tokenMarks } from './tokenSpans';
import { sampleLabelPills } from './labelsView';

export interface DetailCallbacks {
  compare(index: number): void;
  rescore(): void;
  label(index: number): void;
  openDocument(index: number): void;
  setTokenHeat(on: boolean): void;
}

export class SampleDetailView {
  readonly root: HTMLElement;
  private texts: ChunkedText[] = [];

  constructor(private readonly cb: DetailCallbacks) {
    this.root = el('section', { cls: 'sample-detail', attrs: { 'aria-label': 'Selected sample' } }, [
      message('Select a sample (click a row, or a tree node and then a row).'),
    ]);
  }

  showLoading(index: number): void {
    this.reset();
    this.root.append(message(`Loading sample #${index}…`));
  }

  showError(text: string): void {
    this.reset();
    this.root.append(message(text, 'error'));
  }

  /** `textOf` gives the full texts of the sample's tree path (fetched before, for token advantages). */
  /** `afterResponse`: sections shown under the response (the turns, the token overlay). */
  show(
    d: SampleDetail,
    snap: GroupSnapshot,
    ui: GroupUi,
    advantage: number | undefined,
    textOf: (n: GroupTreeNodeView) => string | undefined,
    afterResponse: HTMLElement[] = [],
  ): void {
    this.reset();
    const exact = snap.tree?.exact === true;
    const facts = [
      `reward ${fmt(d.reward)}`,
      `advantage ${signed(advantage ?? d.advantage)}`,
      `${d.length_tokens ?? d.length_chars} ${d.length_tokens !== null ? 'tokens' : 'characters'}`,
      d.finish_reason ? `finish: ${d.finish_reason}` : null,
      d.success ? 'solved' : 'not solved',
      d.reflection_count ? `${d.reflection_count} reflection keyword${d.reflection_count === 1 ? '' : 's'}` : null,
    ].filter((x): x is string => x !== null);
    const heat = checkbox('Token advantages (TEMPO)', ui.tokenHeat && exact, (on) => this.cb.setTokenHeat(on), { id: 'token-heat' });
    if (!exact) {
      heat.setAttribute('disabled', '');
      heat.title = snap.tree ? 'Only for exact trees (logged token ids): this one is approximate' : 'No prefix tree for this group';
    }
    this.root.append(
      el('div', { cls: 'detail-head' }, [
        el('h2', { text: `Sample #${d.index}` }),
        el('span', { cls: 'muted', text: facts.join(' · ') }),
        ...sampleLabelPills(snap, d.index),
      ]),
      el('div', { cls: 'toolbar' }, [
        // A shared report has no VS Code and no run database behind it: these are not offered there.
        ...(snap.shared_report
          ? []
          : [
              button('Compare with…', () => this.cb.compare(d.index), {
                title: 'Open VS Code’s diff editor against another sample',
                id: 'compare',
              }),
              button('Re-score this group…', () => this.cb.rescore(), { secondary: true, id: 'rescore' }),
              button('Label…', () => this.cb.label(d.index), {
                secondary: true,
                id: 'label-sample',
                title: 'Put a tag (and a note) on this sample',
              }),
              button('Open as document', () => this.cb.openDocument(d.index), { secondary: true, id: 'open-document' }),
            ]),
        heat,
      ]),
    );
    if (d.components && Object.keys(d.components).length > 0) {
      this.root.append(
        el(
          'table',
          { cls: 'components' },
          Object.entries(d.components).map(([k, v]) => el('tr', {}, [el('th', { text: k }), el('td', { cls: 'num', text: fmt(v) })])),
        ),
      );
    }
    this.root.append(
      el('h3', { text: ui.tokenHeat && exact ? 'Response (tokens as in the prefix tree, underlined by TEMPO advantage)' : 'Response' }),
    );
    this.root.append(this.responseText(d, snap, ui.tokenHeat && exact, textOf), ...afterResponse);
    for (const [name, text] of rationales(d.rationale)) {
      this.root.append(el('h3', { text: name ? `Verifier rationale: ${name}` : 'Verifier rationale' }), this.text(text, [], 'rationale'));
    }
    if (d.ground_truth !== null) this.root.append(el('h3', { text: 'Ground truth' }), this.text(d.ground_truth, [], 'ground-truth'));
  }

  dispose(): void {
    this.reset();
  }

  private responseText(
    d: SampleDetail,
    snap: GroupSnapshot,
    tokens: boolean,
    textOf: (n: GroupTreeNodeView) => string | undefined,
  ): HTMLElement {
    if (tokens && snap.tree) {
      const t = tokenMarks(snap.tree, d.index, textOf);
      if (t) return this.text(t.text, t.marks, 'response tokens', false);
    }
    const marks: Mark[] = d.reflection_hits.map((h) => ({
      start: h.start,
      end: h.end,
      cls: 'reflection',
      title: `reflection keyword “${h.keyword}”`,
    }));
    return this.text(d.response, marks, 'response');
  }

  private text(text: string, marks: Mark[], cls: string, math = true): HTMLElement {
    const t = new ChunkedText(text, marks, { math });
    this.texts.push(t);
    t.root.classList.add(...cls.split(' '));
    return t.root;
  }

  private reset(): void {
    for (const t of this.texts) t.dispose();
    this.texts = [];
    clear(this.root);
  }
}

/** A single rationale, or one per verifier (`{name: text}`), in a stable order. */
function rationales(r: SampleDetail['rationale']): Array<[string, string]> {
  if (r === null) return [];
  if (typeof r === 'string') return [['', r]];
  return Object.entries(r).sort(([a], [b]) => a.localeCompare(b));
}
