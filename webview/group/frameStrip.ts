// The timeline's "Frames" strip (docs/webviews.md#video-timelines): thumbnails of the group's video at
// the target's edges and at the shown sample's predicted segment edges (the hovered sample, else the
// selected one). Decoding a frame costs the engine ~50 ms, so nothing is asked until the strip is on
// screen, the target's edges go first in one request, and a sample's edges are asked only when it is
// shown; one request is in flight at a time and each decoded time is kept for the snapshot's life.
// Thumbnails are drawn into canvases (imageCanvas.ts): no <img>, no data: URL.
import { FRAME_TIMES_MAX, type GroupFrames, type GroupTimeline, type VideoFrame } from '../../src/shared/media';
import { clear, el } from '../shared/dom';
import { drawGroupImage, type DrawnImage } from './imageCanvas';
import { axisSeconds, clippedSpan, targetSpans } from './timelineLayout';

/** Thumbnail width asked of the engine, in pixels (within FRAME_WIDTH). */
export const THUMB_WIDTH = 120;
/** A hovered sample's edges are asked after the pointer rests this long, so sweeping over rows asks nothing. */
const HOVER_REST_MS = 200;

export type FrameRequest = (times: number[], width: number) => Promise<GroupFrames>;

/** One thumbnail of the strip: a time on the video and its caption. */
export interface FrameSlot {
  time: number;
  caption: string;
}

/** The target spans' start and end (each distinct span once), earliest first. */
export function targetSlots(t: GroupTimeline): FrameSlot[] {
  const spans = targetSpans(t);
  return spans.flatMap((g, k) => {
    const name = spans.length > 1 ? `target ${k + 1}` : 'target';
    return edgeSlots(name, g.span.from, g.span.to);
  });
}

/** A sample's predicted segments' start and end, put in order and clipped to the axis as the bars are. */
export function sampleSlots(t: GroupTimeline, sample: number): FrameSlot[] {
  const pred = t.samples.find((s) => s.index === sample)?.pred ?? [];
  const duration = axisSeconds(t);
  return pred.flatMap((seg, j) => {
    const span = clippedSpan(seg, duration);
    return edgeSlots(j === 0 ? `#${sample}` : `#${sample} segment ${j + 1}`, span.from, span.to);
  });
}

function edgeSlots(name: string, from: number, to: number): FrameSlot[] {
  return [
    { time: from, caption: `${name} start ${seconds(from)} s` },
    { time: to, caption: `${name} end ${seconds(to)} s` },
  ];
}

/** Seconds with one decimal at least ("4.0", "12.5"), more only when the time has them (to the millisecond). */
export function seconds(t: number): string {
  const tenths = Math.round(t * 10) / 10;
  return Math.abs(tenths - t) < 1e-9 ? tenths.toFixed(1) : String(Number(t.toFixed(3)));
}

type Cached = { kind: 'frame'; drawn: Promise<DrawnImage | null> } | { kind: 'message'; message: string };

export class FrameStrip {
  readonly root: HTMLElement;
  private readonly items: HTMLElement;
  private readonly notice: HTMLElement;
  private timeline: GroupTimeline | null = null;
  /** Bumped per snapshot: an answer for an older one is dropped. */
  private generation = 0;
  private readonly cache = new Map<number, Cached>();
  private readonly asked = new Set<number>();
  private inFlight = false;
  private onScreen = false;
  /** Frames are off for this snapshot (no decoder, no video, the request failed): said once, nothing more asked. */
  private off: string | null = null;
  private hovered: number | null = null;
  private selected: number | null = null;
  private hoverTimer: ReturnType<typeof setTimeout> | undefined;
  /** The sample whose edges are asked for (selected at once, hovered after a rest). */
  private wanted: number | null = null;

  constructor(private readonly request: FrameRequest) {
    this.items = el('div', { cls: 'frame-items', attrs: { role: 'list', 'aria-label': 'Video frames at segment edges' } });
    this.notice = el('div', { cls: 'frame-notice muted', attrs: { hidden: true } });
    this.root = el('div', { cls: 'timeline-frames', attrs: { hidden: true } }, [
      el('div', { cls: 'frame-heading', text: 'Frames' }),
      this.notice,
      this.items,
    ]);
    // IntersectionObserver reports false for a collapsed <details> too, so a closed section asks nothing.
    new IntersectionObserver((entries) => {
      this.onScreen = entries.some((e) => e.isIntersecting);
      this.pump();
    }).observe(this.root);
  }

  setTimeline(t: GroupTimeline | null, selected: number | null): void {
    this.generation++;
    this.timeline = t?.video ? t : null;
    this.cache.clear();
    this.asked.clear();
    this.inFlight = false;
    this.off = null;
    this.hovered = null;
    this.selected = selected;
    this.wanted = selected;
    clearTimeout(this.hoverTimer);
    this.notice.hidden = true;
    this.notice.textContent = '';
    this.root.hidden = this.timeline === null;
    this.render();
    this.pump();
  }

  select(index: number | null): void {
    this.selected = index;
    if (this.hovered === null) this.want(index);
    this.render();
  }

  hover(index: number | null): void {
    this.hovered = index;
    clearTimeout(this.hoverTimer);
    const shown = index ?? this.selected;
    if (shown === this.selected) this.want(shown);
    else this.hoverTimer = setTimeout(() => this.want(shown), HOVER_REST_MS);
    this.render();
  }

  private want(index: number | null): void {
    this.wanted = index;
    this.pump();
  }

  private slots(sample: number | null): FrameSlot[] {
    const t = this.timeline;
    if (!t) return [];
    return [...targetSlots(t), ...(sample === null ? [] : sampleSlots(t, sample))];
  }

  /** Asks for what is wanted and not yet asked: the target's edges first, then the wanted sample's. */
  private pump(): void {
    const t = this.timeline;
    if (!t || this.off !== null || this.inFlight || !this.onScreen) return;
    const target = uniqueTimes(targetSlots(t)).filter((x) => !this.asked.has(x));
    const times =
      target.length > 0 ? target : uniqueTimes(this.wanted === null ? [] : sampleSlots(t, this.wanted)).filter((x) => !this.asked.has(x));
    if (times.length === 0) return;
    // At most FRAME_TIMES_MAX a request (the engine refuses more); pump asks for the rest after.
    void this.ask(times.slice(0, FRAME_TIMES_MAX));
  }

  private async ask(times: number[]): Promise<void> {
    const mine = this.generation;
    this.inFlight = true;
    for (const x of times) this.asked.add(x);
    let answer: GroupFrames;
    try {
      answer = await this.request(times, THUMB_WIDTH);
    } catch (e) {
      answer = { ok: false, message: `could not load video frames: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (mine !== this.generation) return;
    this.inFlight = false;
    if (!answer.ok) {
      this.off = answer.message;
      this.notice.textContent = answer.message;
      this.notice.hidden = false;
    } else for (const f of answer.frames) this.cache.set(f.time, this.cached(f, mine));
    this.render();
    this.pump();
  }

  private cached(f: VideoFrame, generation: number): Cached {
    if ('message' in f) return { kind: 'message', message: f.message };
    // The engine's PNG goes through the shared canvas helper as an image load, so it is checked and drawn the same way.
    const load = { ok: true as const, mime: 'image/png' as const, data: f.png, width: 0, height: 0, bytes: 0 };
    return {
      kind: 'frame',
      drawn: drawGroupImage(
        () => Promise.resolve(load),
        () => generation !== this.generation,
        'frame-source',
      ),
    };
  }

  /** Draws the strip for the shown sample; thumbnails not yet answered are empty boxes. */
  private render(): void {
    clear(this.items);
    if (!this.timeline || this.off !== null) return;
    const generation = this.generation;
    for (const slot of this.slots(this.hovered ?? this.selected)) {
      const box = el('div', { cls: 'frame-box' });
      const item = el('figure', { cls: 'frame-item', attrs: { role: 'listitem', 'data-time': slot.time } }, [
        box,
        el('figcaption', { text: slot.caption }),
      ]);
      this.items.append(item);
      const c = this.cache.get(slot.time);
      if (!c) box.classList.add('loading');
      else if (c.kind === 'message') showMessage(box, c.message);
      else
        void c.drawn.then((d) => {
          if (generation !== this.generation || !d || !box.isConnected) return;
          if (!d.ok) return showMessage(box, d.message);
          box.append(copyOf(d.canvas, slot.caption));
          performance.mark('rl:frame-painted');
        });
    }
  }
}

function uniqueTimes(slots: FrameSlot[]): number[] {
  return [...new Set(slots.map((s) => s.time))];
}

function showMessage(box: HTMLElement, message: string): void {
  box.classList.add('frame-missing');
  box.append(el('span', { text: message }));
}

/** A decoded frame can sit in several thumbnails (a sample's edge on the target's): each gets its own canvas. */
function copyOf(source: HTMLCanvasElement, caption: string): HTMLCanvasElement {
  const canvas = el('canvas', { cls: 'frame-canvas', attrs: { role: 'img', 'aria-label': `Frame at ${caption}` } });
  canvas.width = source.width;
  canvas.height = source.height;
  canvas.getContext('2d')?.drawImage(source, 0, 0);
  return canvas;
}
