// Multi-turn rollouts as the sample view shows them: per turn its role, whether the policy was
// trained on it, its token count and the tool calls it makes. Token counts are exact when the logged
// token strings spell the turns' text (then each token is attributed to the turn its first character
// falls in), else counted with the approximate word/punctuation pieces and labelled so.
import type { TurnView } from '../../shared/explorer';
import type { Turn } from '../../shared/rollout';
import { approximatePieces } from '../tokenize/approximate';

/**
 * Tool calls in an assistant turn: Hermes/Qwen-style `<tool_call>` blocks (the chat templates of
 * Qwen2.5 and Qwen3 wrap each call in <tool_call>…</tool_call>, tokenizer_config.json chat_template).
 */
function toolCalls(t: Turn): number {
  if (t.role !== 'assistant') return 0;
  return t.content.split('<tool_call>').length - 1;
}

export function describeTurns(turns: readonly Turn[], responseTokens?: readonly string[] | null): TurnView[] {
  const all = turns.map((t) => t.content).join('');
  const exact = responseTokens !== undefined && responseTokens !== null && responseTokens.join('') === all;
  const counts = new Array<number>(turns.length).fill(0);
  if (exact) {
    const ends: number[] = [];
    let at = 0;
    for (const t of turns) ends.push((at += t.content.length));
    let pos = 0;
    let k = 0;
    for (const tok of responseTokens) {
      while (k < ends.length - 1 && pos >= ends[k]!) k++;
      if (tok.length > 0) counts[k]!++;
      pos += tok.length;
    }
  } else turns.forEach((t, i) => (counts[i] = approximatePieces(t.content).length));
  return turns.map((t, i) => ({ ...t, tokens: counts[i]!, tokens_exact: exact, tool_calls: toolCalls(t) }));
}
