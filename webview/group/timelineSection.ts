// A temporal-grounding group's timeline (docs/webviews.md#video-timelines): an axis from 0 to the
// video's length in seconds, the target segment(s) as a dashed neutral band, and one row per sample
// with its predicted segment(s) coloured by reward on the group's scale; the answers no segment
// could be read from are listed apart. Elements are placed in CSS pixels (seconds ÷ duration × the
// axis's width) and placed again when the width changes. Reasons and labels are set as text.
import './timeline.css';
import type { GroupTimeline } from '../../src/shared/media';
import type { GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import { counted } from '../../src/shared/text';
import { clear, el, onWidthChange } from '../shared/dom';
import { fmt } from '../shared/format';
import { FrameStrip, type FrameRequest } from './frameStrip';
import { rewardLegend } from './rewardLegend';
import {
  axisSeconds,
  axisTicks,
  axisUnit,
  targetSpans,
  tickLabel,
  timelineRows,
  type PlacedSegment,
  type Span,
  type TimelineRow,
} from './timelineLayout';

export interface TimelineCallbacks {
  /** A segment, its row or an unparsable answer was clicked: select its sample, as clicking its list row does. */
  select(index: number): void;
  /** The pointer entered (index) or left (null) a sample's row of the timeline. */
  hover(index: number | null): void;
  /** Thumbnails of the group's video at these seconds (group/frames). */
  frames: FrameRequest;
}

/** A flag marker's width in CSS pixels (kept inside the axis). */
const MARKER_PX = 12;

interface Placed {
  node: HTMLElement;
  span: Span;
  marker: boolean;
}

export class TimelineSection {
  readonly root: HTMLDetailsElement;
  private readonly caption: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly chart: HTMLElement;
  private readonly unparsableBox: HTMLElement;
  private readonly frames: FrameStrip;
  private timeline: GroupTimeline | null = null;
  private axisTrack: HTMLElement | null = null;
  private guides: HTMLElement | null = null;
  private placed: Placed[] = [];
  /** Every element that stands for a sample (timeline rows, unparsable entries), for hover and selection marks. */
  private sampleNodes: HTMLElement[] = [];
  private hovered: number | null = null;
  private selected: number | null = null;

  constructor(private readonly cb: TimelineCallbacks) {
    this.caption = el('div', { cls: 'timeline-caption muted' });
    this.legend = el('div', { cls: 'timeline-legend' });
    this.chart = el('div', { cls: 'timeline-chart' });
    this.unparsableBox = el('div', { cls: 'timeline-unparsable' });
    this.frames = new FrameStrip(cb.frames);
    this.root = el('details', { cls: 'timeline-section', attrs: { open: true, hidden: true } }, [
      el('summary', { text: 'Timeline' }),
      this.caption,
      this.legend,
      this.frames.root,
      this.chart,
      this.unparsableBox,
    ]);
    onWidthChange(this.root, () => this.layout());
    // A section opened after being collapsed keeps its width: place the segments now that the axis has one.
    this.root.addEventListener('toggle', () => this.layout());
  }

  setSnapshot(snap: GroupSnapshot, selected: number | null): void {
    const t = snap.timeline ?? null;
    this.timeline = t;
    this.hovered = null;
    this.selected = selected;
    this.placed = [];
    this.sampleNodes = [];
    this.axisTrack = null;
    this.guides = null;
    for (const box of [this.caption, this.legend, this.chart, this.unparsableBox]) clear(box);
    this.root.hidden = t === null;
    this.frames.setTimeline(t, selected);
    if (!t) return;
    this.renderCaption(t);
    this.renderLegend(snap);
    this.renderChart(t, timelineRows(t, snap.samples));
    this.renderUnparsable(t);
    this.layout();
    this.restyle();
    requestAnimationFrame(() => {
      // What the timeline benchmark times: the frame after the segments are placed.
      if (this.timeline === t) performance.mark('rl:timeline-painted');
    });
  }

  private renderCaption(t: GroupTimeline): void {
    const video = t.video ? `Video ${t.video.label}` : 'No video logged';
    this.caption.append(el('span', { text: video, title: t.video?.ref.path ?? '' }));
    this.caption.append(
      t.duration_known
        ? el('span', { text: ` · ${fmt(t.duration)} s` })
        : el('span', { cls: 'timeline-unknown', text: ' · video length unknown: axis ends at the latest segment' }),
    );
  }

  private renderLegend(snap: GroupSnapshot): void {
    this.legend.append(...rewardLegend(snap.samples, 'reversed or off the axis (drawn clipped)'));
  }

  private renderChart(t: GroupTimeline, rows: TimelineRow[]): void {
    const duration = axisSeconds(t);
    this.axisTrack = el('div', { cls: 'timeline-track timeline-axis', attrs: { 'aria-hidden': 'true' } });
    const axisRow = el('div', { cls: ['timeline-row', 'timeline-axis-row'] }, [
      el('span', { cls: 'timeline-label muted', text: axisUnit(duration), title: 'Time from the video’s start' }),
      this.axisTrack,
    ]);
    const targetTrack = el('div', { cls: 'timeline-track' });
    for (const g of targetSpans(t)) {
      const node = el('div', { cls: 'target-segment', title: `target [${fmt(g.logged[0])} s, ${fmt(g.logged[1])} s]` });
      targetTrack.append(node);
      this.placed.push({ node, span: g.span, marker: false });
    }
    const targetRow = el('div', { cls: ['timeline-row', 'timeline-target-row'] }, [
      el('span', { cls: 'timeline-label', text: 'target' }),
      targetTrack,
    ]);
    // The target's extent behind every sample row, so a bar's overlap with it reads at a glance.
    this.guides = el('div', { cls: 'timeline-guides', attrs: { 'aria-hidden': 'true' } });
    for (const g of targetSpans(t)) {
      const node = el('div', { cls: 'target-guide' });
      this.guides.append(node);
      this.placed.push({ node, span: g.span, marker: false });
    }
    const sampleRows = rows.map((r) => this.row(r));
    this.chart.append(
      axisRow,
      targetRow,
      el('div', { cls: 'timeline-rows', attrs: { role: 'list', 'aria-label': 'Predicted segments per sample' } }, [
        this.guides,
        ...sampleRows,
      ]),
    );
  }

  private row(r: TimelineRow): HTMLElement {
    const track = el('div', { cls: 'timeline-track' });
    for (const seg of r.segments) {
      const node = el('div', {
        cls: seg.problem ? ['pred-segment', 'flagged'] : 'pred-segment',
        title: segmentTitle(r, seg),
        attrs: { 'data-index': r.sample, 'data-segment': seg.segment },
      });
      node.style.setProperty('--segment-colour', r.colour);
      track.append(node);
      this.placed.push({ node, span: seg.span, marker: false });
    }
    for (const seg of r.segments) {
      if (!seg.problem) continue;
      const node = el('div', { cls: 'segment-flag', text: '⚠', title: segmentTitle(r, seg), attrs: { 'data-index': r.sample } });
      track.append(node);
      this.placed.push({ node, span: seg.span, marker: true });
    }
    if (r.segments.length === 0) track.append(el('span', { cls: 'muted timeline-none', text: 'no segment' }));
    const row = el('div', { cls: 'timeline-row timeline-sample', attrs: { role: 'listitem', 'data-index': r.sample } }, [
      el('span', { cls: 'timeline-label num', text: `#${r.sample}` }),
      track,
    ]);
    this.hook(row, r.sample);
    return row;
  }

  private renderUnparsable(t: GroupTimeline): void {
    if (t.unparsable.length === 0) return;
    const items = [...t.unparsable]
      .sort((a, b) => a.index - b.index)
      .map((u) => {
        // The reason may quote the model's answer: text only.
        const entry = el('button', {
          cls: 'unparsable-entry',
          text: `#${u.index}: ${u.reason}`,
          attrs: { type: 'button', 'data-index': u.index },
        });
        this.hook(entry, u.index);
        return el('li', {}, [entry]);
      });
    this.unparsableBox.append(
      el('div', { cls: 'muted', text: `No segment read from ${counted(t.unparsable.length, 'answer')}:` }),
      el('ul', {}, items),
    );
  }

  private hook(node: HTMLElement, sample: number): void {
    node.addEventListener('mouseenter', () => this.cb.hover(sample));
    node.addEventListener('mouseleave', () => this.cb.hover(null));
    node.addEventListener('click', () => this.cb.select(sample));
    this.sampleNodes.push(node);
  }

  /** Places the ticks, the targets and every segment for the axis's current width. */
  layout(): void {
    const t = this.timeline;
    const axis = this.axisTrack;
    if (!t || !axis) return;
    const width = axis.clientWidth;
    if (width === 0) return; // collapsed or hidden: placed again when shown
    const duration = axisSeconds(t);
    const px = (s: number): number => (s / duration) * width;
    clear(axis);
    for (const tick of axisTicks(duration, width).ticks) {
      const node = el('span', { cls: 'timeline-tick', text: tickLabel(tick, duration) });
      node.style.setProperty('left', `${px(tick)}px`);
      axis.append(node);
    }
    this.guides?.style.setProperty('width', `${width}px`);
    for (const p of this.placed) {
      const st = p.node.style;
      const left = px(p.span.from);
      if (p.marker) {
        st.setProperty('left', `${Math.max(0, Math.min(left, width - MARKER_PX))}px`);
        continue;
      }
      st.setProperty('left', `${left}px`);
      st.setProperty('width', `${px(p.span.to) - left}px`);
    }
  }

  /** Lights up a sample's row (null: none); from a list row or a segment under the pointer. */
  highlight(index: number | null): void {
    this.hovered = index;
    this.frames.hover(index);
    this.restyle();
  }

  select(index: number | null): void {
    this.selected = index;
    this.frames.select(index);
    this.restyle();
  }

  private restyle(): void {
    for (const n of this.sampleNodes) {
      const index = Number(n.dataset['index']);
      n.classList.toggle('hot', index === this.hovered);
      n.classList.toggle('selected', index === this.selected);
    }
  }
}

function segmentTitle(r: TimelineRow, seg: PlacedSegment): string {
  return [
    `Sample #${r.sample}${seg.segment > 0 ? ` · segment ${seg.segment + 1}` : ''} · reward ${fmt(r.reward)}`,
    `[${fmt(seg.logged[0])} s, ${fmt(seg.logged[1])} s] · tIoU ${fmt(r.scores.tiou)} · length ÷ target ${fmt(r.scores.length_ratio)}`,
    seg.problem ? `⚠ ${seg.problem} (drawn clipped to the axis)` : null,
  ]
    .filter(Boolean)
    .join('\n');
}
