// What "Find Labels…" lists, kept apart from `vscode` so it is tested as plain data
// (test/unit/extension/labelSearch.test.ts): one item per label of every run, its tag, where it is
// and its note, so the quick pick's typing searches tags, places, notes and authors alike.
import { labelPlace, type LabelEntry } from '../../shared/labels';

export interface LabelSearchItem {
  label: string;
  description: string;
  detail: string;
  entry: LabelEntry;
}

export function labelSearchItems(entries: readonly LabelEntry[]): LabelSearchItem[] {
  return entries.map((l) => ({
    label: l.tag,
    description: `${l.run} · ${labelPlace(l)}${l.missing ? ' · no longer stored' : ''}`,
    detail: `${l.note ? `${l.note} · ` : ''}${l.created_by}, ${l.created_at.slice(0, 16).replace('T', ' ')} UTC`,
    entry: l,
  }));
}
