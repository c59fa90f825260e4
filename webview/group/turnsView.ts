// A multi-turn rollout, one row per turn: the role, whether the policy was trained on it (trained
// turns set apart from masked ones: tool output, environment, user), its token count and the tool
// calls it makes. Turn text is untrusted model or tool output: textContent only.
import type { SampleDetail } from '../../src/shared/explorer';
import { el } from '../shared/dom';

export function turnsView(d: SampleDetail): HTMLElement | null {
  const turns = d.turns;
  if (!turns || turns.length === 0) return null;
  const trained = turns.filter((t) => t.trained);
  const calls = turns.reduce((k, t) => k + t.tool_calls, 0);
  const exact = turns.every((t) => t.tokens_exact);
  const unit = exact ? 'tokens' : 'tokens (approximate)';
  return el('section', { cls: 'turns', attrs: { 'aria-label': 'Turns' } }, [
    el('div', {
      cls: 'muted turns-summary',
      text: `${turns.length} turns · ${trained.length} trained · ${calls} tool call${calls === 1 ? '' : 's'} · ${turns.filter((t) => t.role === 'tool').length} tool outputs`,
    }),
    ...turns.map((t, i) =>
      el('div', { cls: ['turn', t.trained ? 'trained' : 'masked', `role-${t.role}`], attrs: { 'data-turn': i } }, [
        el('div', { cls: 'turn-head' }, [
          el('span', { cls: 'turn-role', text: t.role }),
          el('span', { cls: 'turn-mask', text: t.trained ? 'trained' : 'masked (not a policy decision)' }),
          el('span', { cls: 'turn-tokens', text: `${t.tokens} ${unit}` }),
          t.tool_calls ? el('span', { cls: 'turn-calls', text: `${t.tool_calls} tool call${t.tool_calls === 1 ? '' : 's'}` }) : null,
        ]),
        el('div', { cls: 'turn-text', text: t.content }),
      ]),
    ),
  ]);
}
