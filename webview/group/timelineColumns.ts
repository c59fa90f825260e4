// The sample list's segment columns (tIoU, length ÷ target) for temporal-grounding groups, from the
// snapshot's per-sample segment scores (src/shared/media.ts segmentScores). Hidden without a timeline.
import type { SegmentScores } from '../../src/shared/media';
import { TIMELINE_COLUMNS, type GroupSnapshot, type TimelineColumn } from '../../src/shared/protocol/webviews/group';
import { el } from '../shared/dom';
import { fmt } from '../shared/format';

export const TIMELINE_HEADERS: ReadonlyArray<{ column: TimelineColumn; label: string; num: true; title: string }> = [
  {
    column: 'tiou',
    label: 'tIoU',
    num: true,
    title: 'Temporal IoU (in seconds) of the first predicted segment with the first target segment',
  },
  {
    column: 'length_ratio',
    label: 'length ÷ target',
    num: true,
    title: 'First predicted segment’s length ÷ the first target segment’s (growing segments game IoU-style rewards)',
  },
];

export function isTimelineColumn(c: string): c is TimelineColumn {
  return (TIMELINE_COLUMNS as readonly string[]).includes(c);
}

export function showTimelineColumns(snap: GroupSnapshot): boolean {
  return snap.timeline !== null && snap.timeline !== undefined;
}

function scoresOf(snap: GroupSnapshot, index: number): SegmentScores | undefined {
  return snap.timeline?.samples.find((s) => s.index === index)?.scores;
}

/** Sort key: a missing score sorts as −∞ (last when descending). */
export function timelineSortKey(snap: GroupSnapshot, index: number, column: TimelineColumn): number {
  return scoresOf(snap, index)?.[column] ?? -Infinity;
}

export function timelineCells(snap: GroupSnapshot, index: number): HTMLTableCellElement[] {
  const s = scoresOf(snap, index);
  const none = s?.tiou === null || s === undefined ? 'needs a predicted and a target segment' : '';
  const cell = (text: string): HTMLTableCellElement => el('td', { cls: 'num timeline-col', text, title: none });
  return [cell(fmt(s?.tiou)), cell(fmt(s?.length_ratio))];
}
