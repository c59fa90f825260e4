// Text search looks at the policy's own text by default: a hit whose every match lies in a turn the
// policy was not trained on (tool output, environment, user) is dropped. The FTS index keeps the
// whole response (snippets and highlights stay right); FTS5's highlight() marks where the query
// matched, and those spans are checked against the trained turns' character ranges.
import type { Turn } from '../../shared/rollout';
import { hasUntrainedTurns, trainedSpans } from '../tokenize/trainedTurns';
import type { Store } from './store';

// Private-use characters as match markers; a response holding them is kept (fail open).
const OPEN = '\uE000';
const CLOSE = '\uE001';

/** Match spans (UTF-16 offsets into the response) from FTS5 highlight() output; null if it does not line up. */
function matchSpans(marked: string, response: string): Array<{ start: number; end: number }> | null {
  const spans: Array<{ start: number; end: number }> = [];
  let at = 0;
  let start = -1;
  for (const ch of marked) {
    if (ch === OPEN) start = at;
    else if (ch === CLOSE) {
      if (start >= 0) spans.push({ start, end: at });
      start = -1;
    } else at += ch.length;
  }
  return at === response.length ? spans : null;
}

/** Of these matching sample ids, those whose matches all fall outside the policy's turns. */
export function toolOnlyHits(store: Store, query: string, ids: readonly number[]): Set<number> {
  const out = new Set<number>();
  if (ids.length === 0) return out;
  const multi = store.db
    .prepare(`SELECT id, response, turns FROM samples WHERE turns IS NOT NULL AND id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as Array<{ id: number; response: string; turns: string }>;
  const candidates = multi.map((r) => ({ ...r, parsed: JSON.parse(r.turns) as Turn[] })).filter((r) => hasUntrainedTurns(r.parsed));
  if (candidates.length === 0) return out;
  const highlight = store.db
    .prepare(`SELECT highlight(samples_fts, 0, '${OPEN}', '${CLOSE}') FROM samples_fts WHERE samples_fts MATCH ? AND rowid = ?`)
    .pluck();
  for (const c of candidates) {
    const marked = highlight.get(query, c.id) as string | undefined;
    const spans = marked === undefined ? null : matchSpans(marked, c.response);
    if (!spans || spans.length === 0) continue;
    const trained = trainedSpans(c.parsed);
    const inPolicy = spans.some((s) => trained.some((t) => s.start < t.end && s.end > t.start));
    if (!inPolicy) out.add(c.id);
  }
  return out;
}
