// What the sample detail shows under the response for token-level truth: the token overlay
// (fetched per sample only once a mode is chosen, cached per snapshot) and, for multi-turn rollouts,
// the turns. main.ts calls prepare() before it renders the detail, then elements().
import type { GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import type { TokenMode } from '../../src/shared/protocol/webviews/tokens';
import { DEFAULT_CLIP_EPSILON, type SampleTokens } from '../../src/shared/tokenSignals';
import type { SampleDetail } from '../../src/shared/explorer';
import { el } from '../shared/dom';
import type { GroupUi } from './state';
import { viewAdvantages } from './sampleList';
import { TokenOverlay, answerTokenStart } from './tokenOverlay';
import { turnsView } from './turnsView';

export class TokenSection {
  private readonly overlay: TokenOverlay;
  private readonly cache = new Map<number, SampleTokens>();
  private errors = new Map<number, string>();

  constructor(
    private readonly request: (index: number) => Promise<SampleTokens>,
    setMode: (mode: TokenMode) => void,
  ) {
    this.overlay = new TokenOverlay({ setMode });
  }

  reset(): void {
    this.cache.clear();
    this.errors.clear();
  }

  /** Fetches the sample's tokens when a mode is on (errors are shown in place of the overlay). */
  async prepare(index: number, ui: GroupUi): Promise<void> {
    if (ui.tokenMode === 'off' || this.cache.has(index)) return;
    try {
      this.cache.set(index, await this.request(index));
      // Where the overlay's first-paint benchmark starts: the sample's tokens are here.
      performance.mark('rl:tokens-received');
      this.errors.delete(index);
    } catch (e) {
      this.errors.set(index, e instanceof Error ? e.message : String(e));
    }
  }

  elements(d: SampleDetail, snap: GroupSnapshot, ui: GroupUi): HTMLElement[] {
    const out: HTMLElement[] = [];
    const turns = turnsView(d);
    if (turns) out.push(el('h3', { text: 'Turns' }), turns);
    out.push(el('h3', { text: 'Tokens' }), this.overlayFor(d.index, snap, ui));
    return out;
  }

  private overlayFor(index: number, snap: GroupSnapshot, ui: GroupUi): HTMLElement {
    const tokens = this.cache.get(index);
    const error = this.errors.get(index);
    if (ui.tokenMode === 'off' || !tokens) {
      this.overlay.showPicker(ui.tokenMode === 'off' ? 'off' : ui.tokenMode, snap.tokens?.availability ?? null);
      if (error) this.overlay.root.append(el('div', { cls: 'error', text: `Could not load the tokens of sample #${index}: ${error}` }));
      return this.overlay.root;
    }
    const i = snap.samples.findIndex((s) => s.index === index);
    this.overlay.show(
      {
        index,
        tokens,
        availability: snap.tokens?.availability ?? null,
        epsilon: snap.tokens?.epsilon ?? DEFAULT_CLIP_EPSILON,
        estimator: ui.estimator,
        sequenceAdvantage: ui.estimator === 'tempo' || i < 0 ? undefined : viewAdvantages(snap, ui.estimator).get(index),
        tempoRuns: snap.tree?.exact ? snap.tree.samples.find((s) => s.index === index)?.token_advantage_runs : undefined,
        answerStart: answerTokenStart(tokens.tokens, snap.judging?.answers?.find((a) => a.index === index)?.answer_offset ?? null),
      },
      ui.tokenMode,
    );
    return this.overlay.root;
  }
}
