// A sample's tokens coloured by one per-token signal: logprob heat, the train-vs-inference mismatch
// as |Δ| or as the ratio exp(Δ) against the clip range, the token advantage (logged, or under the
// chosen estimator, TEMPO included), or the entropy. Colours go by value class (CSS classes, so
// themes restyle them); missing values (NaN) get their own class and read "missing", never 0.
// Hovering or focusing a token shows its string, id and values. Token text is textContent only.
import './tokens.css';
import { ESTIMATOR_LABELS, type AdvantageEstimator } from '../../src/shared/protocol/webviews/advantages';
import type { ValueRuns } from '../../src/shared/protocol/webviews/group';
import { TOKEN_MODE_LABELS, type TokenMode } from '../../src/shared/protocol/webviews/tokens';
import {
  deltaAt,
  outsideClip,
  tokenAggregates,
  tokenReadout,
  type SampleTokens,
  type TokenAvailability,
} from '../../src/shared/tokenSignals';
import { clear, el } from '../shared/dom';
import { fmt, percent, signed } from '../shared/format';
import { dropdown } from '../shared/ui';
import { RunLookup } from './tokenSpans';

export interface OverlayInput {
  index: number;
  tokens: SampleTokens;
  availability: TokenAvailability | null;
  epsilon: number;
  /** The estimator chosen in the view (used when the trainer logged no token advantages). */
  estimator: AdvantageEstimator;
  /** The sequence advantage under a non-TEMPO estimator (the same on every token). */
  sequenceAdvantage: number | undefined;
  /** TEMPO token advantages of this sample (exact trees only). */
  tempoRuns: ValueRuns | undefined;
  /** VeriFree: the first token of the answer part (from `<answer` on), null when unknown or absent. */
  answerStart?: number | null;
}

/**
 * The token where VeriFree's answer part starts: the one holding the first `<answer` of the joined
 * token strings (VeriFree cuts the response there), found only when the sample logged an answer
 * offset and its token strings. Null otherwise: the overlay then draws no split.
 */
export function answerTokenStart(strings: readonly string[] | null | undefined, answerOffset: number | null): number | null {
  if (answerOffset === null || !strings) return null;
  const joined = strings.join('');
  const at = joined.indexOf('<answer');
  if (at < 0) return null;
  let end = 0;
  for (let t = 0; t < strings.length; t++) {
    end += (strings[t] as string).length;
    if (end > at) return t;
  }
  return null;
}

export interface ModeChoice {
  mode: Exclude<TokenMode, 'off'>;
  label: string;
  /** Why this mode is absent for the sample; null when it is shown. */
  reason: string | null;
}

const MISSING = 'tok-missing';

function has(a: readonly number[] | null, n: number): a is number[] {
  return a !== null && a.length === n && a.some((x) => Number.isFinite(x));
}

/** The number of tokens of the sample, from whichever per-token array is there. */
export function tokenCount(t: SampleTokens): number {
  return t.tokens?.length ?? t.ids?.length ?? t.logprobs?.length ?? t.train_logprobs?.length ?? 0;
}

function advantageValues(x: OverlayInput, n: number): { values: number[]; label: string } | null {
  if (has(x.tokens.token_advantages, n)) return { values: x.tokens.token_advantages, label: 'Token advantage (logged)' };
  if (x.estimator === 'tempo') {
    if (!x.tempoRuns) return null;
    const r = new RunLookup(x.tempoRuns);
    if (r.length !== n) return null;
    return { values: Array.from({ length: n }, (_, t) => r.at(t)), label: 'Token advantage (TEMPO)' };
  }
  if (x.sequenceAdvantage === undefined) return null;
  if (x.estimator === 'verifree' && x.answerStart !== undefined && x.answerStart !== null) {
    // VeriFree trains the thinking tokens with A; the sampled answer part is replaced by the reference answer.
    const start = x.answerStart;
    return {
      values: Array.from({ length: n }, (_, t) => (t < start ? (x.sequenceAdvantage as number) : NaN)),
      label: 'Token advantage (VeriFree: the thinking tokens; the answer part is not trained)',
    };
  }
  return {
    values: new Array<number>(n).fill(x.sequenceAdvantage),
    label: `Token advantage (${ESTIMATOR_LABELS[x.estimator]}, the same on every token)`,
  };
}

export function modeChoices(x: OverlayInput): ModeChoice[] {
  const t = x.tokens;
  const n = tokenCount(t);
  const noLp = x.availability?.logprob_reason ?? 'This sample logged no per-token logprobs.';
  const noMm = x.availability?.mismatch_reason ?? 'The mismatch needs both the sampler’s and the trainer’s logprobs for this sample.';
  const both = has(t.logprobs, n) && has(t.train_logprobs, n);
  const adv = n > 0 ? advantageValues(x, n) : null;
  const noTokens = n === 0 ? 'No per-token data (token ids, strings or logprobs) was logged for this sample.' : null;
  const choices: ModeChoice[] = [
    { mode: 'logprob', label: TOKEN_MODE_LABELS.logprob, reason: has(t.logprobs, n) || has(t.train_logprobs, n) ? null : noLp },
    { mode: 'delta', label: TOKEN_MODE_LABELS.delta, reason: both ? null : noMm },
    { mode: 'ratio', label: `${TOKEN_MODE_LABELS.ratio} [${fmt(1 - x.epsilon)}, ${fmt(1 + x.epsilon)}]`, reason: both ? null : noMm },
    {
      mode: 'advantage',
      label: adv?.label ?? TOKEN_MODE_LABELS.advantage,
      reason: adv
        ? null
        : x.estimator === 'tempo'
          ? 'TEMPO token advantages need an exact prefix tree (logged token ids) covering this sample.'
          : 'No advantage for this sample.',
    },
    {
      mode: 'entropy',
      label: TOKEN_MODE_LABELS.entropy,
      reason: has(t.entropy, n) ? null : 'No per-token entropy was logged for this sample.',
    },
  ];
  return noTokens ? choices.map((c) => ({ ...c, reason: noTokens })) : choices;
}

/** The value class of one token under a mode (the CSS class that colours it). */
export function valueClass(mode: Exclude<TokenMode, 'off'>, v: number, epsilon: number): string {
  if (!Number.isFinite(v)) return MISSING;
  switch (mode) {
    case 'logprob': {
      // By the token's probability: ≥ 0.9, ≥ 0.5, ≥ 0.1, ≥ 0.01, below.
      const p = Math.exp(v);
      return p >= 0.9 ? 'lp-4' : p >= 0.5 ? 'lp-3' : p >= 0.1 ? 'lp-2' : p >= 0.01 ? 'lp-1' : 'lp-0';
    }
    case 'delta': {
      const a = Math.abs(v);
      return a < 0.01 ? 'd-0' : a < 0.05 ? 'd-1' : a < 0.2 ? 'd-2' : 'd-3';
    }
    case 'ratio':
      return v < 1 - epsilon ? 'r-low' : v > 1 + epsilon ? 'r-high' : 'r-in';
    case 'advantage':
      return v > 0 ? 'a-pos' : v < 0 ? 'a-neg' : 'a-zero';
    case 'entropy':
      return v < 0.1 ? 'e-0' : v < 1 ? 'e-1' : 'e-2';
  }
}

const LEGENDS: Record<Exclude<TokenMode, 'off'>, (eps: number) => Array<[string, string]>> = {
  logprob: () => [
    ['lp-4', 'p ≥ 0.9'],
    ['lp-3', 'p ≥ 0.5'],
    ['lp-2', 'p ≥ 0.1'],
    ['lp-1', 'p ≥ 0.01'],
    ['lp-0', 'p < 0.01'],
  ],
  delta: () => [
    ['d-0', '|Δ| < 0.01'],
    ['d-1', '< 0.05'],
    ['d-2', '< 0.2'],
    ['d-3', '≥ 0.2'],
    ['clip-out', 'outside clip range'],
  ],
  ratio: (e) => [
    ['r-low', `exp(Δ) < ${fmt(1 - e)}`],
    ['r-in', `in [${fmt(1 - e)}, ${fmt(1 + e)}]`],
    ['r-high', `> ${fmt(1 + e)}`],
  ],
  advantage: () => [
    ['a-pos', 'A > 0'],
    ['a-zero', 'A = 0'],
    ['a-neg', 'A < 0'],
  ],
  entropy: () => [
    ['e-0', 'H < 0.1'],
    ['e-1', 'H < 1'],
    ['e-2', 'H ≥ 1'],
  ],
};

export interface OverlayCallbacks {
  setMode(mode: TokenMode): void;
}

export class TokenOverlay {
  readonly root: HTMLElement;
  private input: OverlayInput | null = null;
  private readout: HTMLElement = el('div', {
    cls: 'token-readout muted',
    attrs: { 'aria-live': 'polite' },
    text: 'Hover a token for its values.',
  });

  constructor(private readonly cb: OverlayCallbacks) {
    this.root = el('section', { cls: 'token-overlay', attrs: { 'aria-label': 'Token overlay' } });
  }

  /** The mode picker alone (before the sample's tokens are fetched, or with the overlay off). */
  showPicker(mode: TokenMode, availability: TokenAvailability | null): void {
    clear(this.root);
    this.root.append(this.picker(mode, null));
    const reason = availability?.logprob_reason;
    if (reason) this.root.append(el('div', { cls: 'mode-absent', text: `Logprob and mismatch overlays: ${reason}` }));
  }

  showLoading(mode: TokenMode): void {
    clear(this.root);
    this.root.append(this.picker(mode, null), el('div', { cls: 'muted', text: 'Loading tokens…' }));
  }

  show(x: OverlayInput, mode: TokenMode): void {
    this.input = x;
    delete this.root.dataset['painted'];
    clear(this.root);
    const choices = modeChoices(x);
    this.root.append(this.picker(mode, choices));
    const absent = choices.filter((c) => c.reason !== null);
    for (const c of absent)
      this.root.append(el('div', { cls: 'mode-absent', attrs: { 'data-mode': c.mode }, text: `${c.label}: ${c.reason}` }));
    if (mode === 'off') return;
    const chosen = choices.find((c) => c.mode === mode);
    if (!chosen || chosen.reason !== null) return;
    const n = tokenCount(x.tokens);
    const values = this.values(x, mode, n);
    const agg = tokenAggregates(x.tokens, x.epsilon);
    const missing = values.reduce((k, v) => k + (Number.isFinite(v) ? 0 : 1), 0);
    this.root.append(
      el('div', {
        cls: 'token-summary muted',
        text: [
          `${n} tokens`,
          missing ? `${missing} missing` : null,
          agg.compared ? `mean |Δ| ${fmt(agg.mean_abs_delta, 4)}` : null,
          agg.compared ? `max ratio ${fmt(agg.max_ratio, 4)}` : null,
          agg.compared ? `outside clip ${percent(agg.outside_clip)}` : null,
          agg.mean_logprob !== null ? `mean logprob ${fmt(agg.mean_logprob, 4)}` : null,
        ]
          .filter(Boolean)
          .join(' · '),
      }),
      el('div', { cls: 'token-legend' }, [
        ...LEGENDS[mode](x.epsilon).map(([cls, text]) => el('span', { cls: `tok-swatch ${cls}`, text })),
        ...(x.answerStart !== undefined && x.answerStart !== null
          ? [
              el('span', {
                cls: 'tok-swatch tok-answer',
                text: 'answer part: not trained (VeriFree trains the reference answer, weighted by p)',
              }),
            ]
          : []),
      ]),
      // Above the tokens and sticky: below them it fell off screen while a token near the top was hovered.
      this.readout,
      this.tokensElement(x, mode, values, n),
    );
    // The frame after the tokens are in the DOM: where the overlay's first-paint benchmark stops.
    requestAnimationFrame(() => {
      performance.mark('rl:tokens-painted');
      this.root.dataset['painted'] = String(n);
    });
  }

  private picker(mode: TokenMode, choices: ModeChoice[] | null): HTMLElement {
    const options = [
      { value: 'off' as TokenMode, label: TOKEN_MODE_LABELS.off },
      ...(choices ?? []).filter((c) => c.reason === null).map((c) => ({ value: c.mode as TokenMode, label: c.label })),
    ];
    if (choices === null)
      options.push(
        ...(['logprob', 'delta', 'ratio', 'advantage', 'entropy'] as const).map((m) => ({
          value: m as TokenMode,
          label: TOKEN_MODE_LABELS[m],
        })),
      );
    return el('div', { cls: 'toolbar' }, [
      el('span', { cls: 'muted', text: 'Token overlay' }),
      dropdown(options, options.some((o) => o.value === mode) ? mode : 'off', (m) => this.cb.setMode(m), {
        label: 'Token overlay',
        id: 'token-mode',
      }),
    ]);
  }

  private values(x: OverlayInput, mode: Exclude<TokenMode, 'off'>, n: number): number[] {
    const t = x.tokens;
    switch (mode) {
      case 'logprob':
        return has(t.logprobs, n) ? t.logprobs : (t.train_logprobs as number[]);
      case 'delta':
        return Array.from({ length: n }, (_, i) => deltaAt(t.train_logprobs!, t.logprobs!, i));
      case 'ratio':
        return Array.from({ length: n }, (_, i) => Math.exp(deltaAt(t.train_logprobs!, t.logprobs!, i)));
      case 'advantage':
        return advantageValues(x, n)!.values;
      case 'entropy':
        return t.entropy!;
    }
  }

  private tokensElement(x: OverlayInput, mode: Exclude<TokenMode, 'off'>, values: number[], n: number): HTMLElement {
    const box = el('div', { cls: `token-text mode-${mode}`, attrs: { 'data-tokens': n } });
    const frag = document.createDocumentFragment();
    const strings = x.tokens.tokens;
    const ids = x.tokens.ids;
    const { logprobs, train_logprobs } = x.tokens;
    for (let t = 0; t < n; t++) {
      const span = document.createElement('span');
      const v = values[t] as number;
      let cls = `tok-o ${valueClass(mode, v, x.epsilon)}`;
      if (x.answerStart !== undefined && x.answerStart !== null && t >= x.answerStart) cls += ' tok-answer';
      if (mode === 'delta' && logprobs && train_logprobs) {
        const d = deltaAt(train_logprobs, logprobs, t);
        if (Number.isFinite(d) && outsideClip(Math.exp(d), x.epsilon)) cls += ' clip-out';
      }
      span.className = cls;
      span.textContent = strings ? (strings[t] ?? '') : `⟨${ids?.[t] ?? '?'}⟩`;
      span.dataset['t'] = String(t);
      frag.appendChild(span);
    }
    box.appendChild(frag);
    if (!strings) box.prepend(el('div', { cls: 'muted', text: 'Token strings were not logged: each token is shown as ⟨its id⟩.' }));
    const onHover = (e: Event): void => {
      const target = e.target as HTMLElement | null;
      const t = target?.dataset['t'];
      if (t !== undefined) this.readout.textContent = this.describe(Number(t));
    };
    box.addEventListener('mouseover', onHover);
    box.addEventListener('focusin', onHover);
    return box;
  }

  /** What hovering token t says: its string, id and every value logged or derived for it. */
  describe(t: number): string {
    const x = this.input;
    if (!x) return '';
    const adv = advantageValues(x, tokenCount(x.tokens));
    const fields = tokenReadout(
      x.tokens,
      t,
      x.epsilon,
      (v) => fmt(v, 4),
      (v) => signed(v, 4),
      adv?.values[t],
    );
    return [`#${t}`, ...fields.map(([k, v]) => `${k} ${v}`)].join(' · ');
  }
}
