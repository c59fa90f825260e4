// The sample list's box columns (IoU, hit, area ÷ target) for grounding groups, from the
// snapshot's per-sample box scores (src/shared/media.ts boxScores). Hidden when no sample has boxes.
import type { BoxScores } from '../../src/shared/media';
import { BOX_COLUMNS, type BoxColumn, type GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import { el } from '../shared/dom';
import { fmt } from '../shared/format';
import { hasBoxes } from './boxLayout';

export const BOX_HEADERS: ReadonlyArray<{ column: BoxColumn; label: string; num: true; title: string }> = [
  { column: 'iou', label: 'IoU', num: true, title: 'Intersection over union of the first predicted box with the first target box' },
  { column: 'hit', label: 'hit', num: true, title: 'Whether the first predicted box’s centre lies inside the first target box' },
  {
    column: 'area_ratio',
    label: 'area ÷ target',
    num: true,
    title: 'First predicted box’s area ÷ the first target box’s area (growing boxes game IoU-style rewards)',
  },
];

export function isBoxColumn(c: string): c is BoxColumn {
  return (BOX_COLUMNS as readonly string[]).includes(c);
}

export function showBoxColumns(snap: GroupSnapshot): boolean {
  return hasBoxes(snap.media);
}

function scoresOf(snap: GroupSnapshot, index: number): BoxScores | undefined {
  return snap.media?.samples.find((s) => s.index === index)?.scores;
}

/** Sort key: a missing score sorts as −∞ (last when descending). */
export function boxSortKey(snap: GroupSnapshot, index: number, column: BoxColumn): number {
  return scoresOf(snap, index)?.[column] ?? -Infinity;
}

export function boxCells(snap: GroupSnapshot, index: number): HTMLTableCellElement[] {
  const s = scoresOf(snap, index);
  const none = s?.iou === null || s === undefined ? 'needs a predicted and a target box' : '';
  const cell = (text: string): HTMLTableCellElement => el('td', { cls: 'num box-col', text, title: none });
  const hit = s?.hit;
  return [cell(fmt(s?.iou)), cell(hit === null || hit === undefined ? fmt(hit) : hit ? 'yes' : 'no'), cell(fmt(s?.area_ratio))];
}
