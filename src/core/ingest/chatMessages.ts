// OpenAI-style chat messages ({role, content, tool_calls}) as agent trainers log them (rLLM episodes,
// ART trajectories): their text, and a conversation split into the prompt and the turns that follow.
import type { Turn } from '../../shared/rollout';
import type { JsonObject } from './jsonLine';

/** One message of a logged conversation; `trained` marks the policy's own (sampled) messages. */
export interface ChatMessage {
  role: string;
  text: string;
  trained: boolean;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A message's content (a string, or text parts with `[image]` for an image part) and its tool calls, as text. */
export function chatText(m: JsonObject): string {
  const c = m['content'];
  let text = '';
  if (typeof c === 'string') text = c;
  else if (Array.isArray(c)) {
    for (const part of c) {
      if (!isObject(part)) continue;
      if (typeof part['text'] === 'string') text += part['text'];
      else if (part['type'] === 'image_url' || part['type'] === 'image') text += '[image]';
    }
  }
  // Tool calls are what the model did in that turn: an empty content with a call is still an action.
  // OpenAI's shape is {function: {name, arguments}}; a flat {name, arguments} is read too.
  const calls = m['tool_calls'];
  if (Array.isArray(calls)) {
    for (const call of calls) {
      if (!isObject(call)) continue;
      const fn = isObject(call['function']) ? call['function'] : call;
      const args = fn['arguments'];
      text += `[tool_call ${String(fn['name'])}(${typeof args === 'string' ? args : JSON.stringify(args ?? null)})]`;
    }
  }
  return text;
}

const ROLE: Record<string, Turn['role']> = { assistant: 'assistant', tool: 'tool', function: 'tool', user: 'user' };

/** What a conversation becomes in a sample: the prompt, the response and (for several) the turns. */
export interface Conversation {
  prompt: string;
  response: string;
  /** Set when more than one message follows the prompt. */
  turns?: Turn[];
}

/**
 * The prompt is every message before the first trained one (`role: text`, as prime-rl traces are
 * shown); the rest are turns, trained where the policy sampled them. The response is the turns'
 * text in order (docs/native-format.md: a sample with turns has their concatenation as response).
 */
export function splitConversation(msgs: readonly ChatMessage[]): Conversation {
  const first = msgs.findIndex((m) => m.trained);
  const head = first < 0 ? msgs : msgs.slice(0, first);
  const rest = first < 0 ? [] : msgs.slice(first);
  const turns: Turn[] = rest.map((m) => ({ role: ROLE[m.role] ?? 'environment', content: m.text, trained: m.trained }));
  const out: Conversation = {
    prompt: head.map((m) => `${m.role}: ${m.text}`).join('\n\n'),
    response: turns.map((t) => t.content).join(''),
  };
  if (turns.length > 1) out.turns = turns;
  return out;
}
