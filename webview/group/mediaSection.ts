// The group's image with every sample's predicted box over it (docs/webviews.md#images-and-boxes).
// The bytes are asked for only once the section is on screen and drawn into a canvas (imageCanvas.ts)
// that CSS scales down to the panel's width. Boxes are elements over the canvas
// in CSS pixels (image pixels × displayed width ÷ natural width), re-placed when the width changes.
import './media.css';
import type { ImageLoad } from '../../src/shared/media';
import type { GroupSnapshot } from '../../src/shared/protocol/webviews/group';
import { counted } from '../../src/shared/text';
import { clear, el, message, onWidthChange } from '../shared/dom';
import { fmt } from '../shared/format';
import { drawGroupImage } from './imageCanvas';
import { hasBoxes, imageBoxes, shownImages, zoomRect, type ImageBoxes, type PredictedBox, type Rect } from './boxLayout';
import { rewardLegend } from './rewardLegend';

export interface MediaCallbacks {
  load(image: number): Promise<ImageLoad>;
  /** A box was clicked: select its sample, as clicking its row does. */
  select(index: number): void;
  /** The pointer entered (index) or left (null) a sample's box. */
  hover(index: number | null): void;
}

/** Figures shown at most; a group whose samples draw on more images says how many are left out. */
const MAX_FIGURES = 4;
/** How far a flag marker reaches from its box's corner, in CSS pixels (it stays inside the image). */
const MARKER_PX = 14;

interface Marks {
  hovered: number | null;
  selected: number | null;
}

export class MediaSection {
  readonly root: HTMLDetailsElement;
  private readonly legend: HTMLElement;
  private readonly figuresBox: HTMLElement;
  private figures: ImageFigure[] = [];
  private readonly marks: Marks = { hovered: null, selected: null };
  private readonly visible: IntersectionObserver;

  constructor(private readonly cb: MediaCallbacks) {
    this.legend = el('div', { cls: 'media-legend' });
    this.figuresBox = el('div', { cls: 'media-figures' });
    this.root = el('details', { cls: 'media-section', attrs: { open: true, hidden: true } }, [
      el('summary', { text: 'Image and boxes' }),
      this.legend,
      this.figuresBox,
    ]);
    // Lazily: a figure's bytes are requested the first time it is on screen (a collapsed section asks for nothing).
    this.visible = new IntersectionObserver((entries) => {
      for (const e of entries) if (e.isIntersecting) this.figures.find((f) => f.root === e.target)?.load();
    });
    onWidthChange(this.root, () => this.figures.forEach((f) => f.layout()));
  }

  setSnapshot(snap: GroupSnapshot, selected: number | null): void {
    this.visible.disconnect();
    this.figures.forEach((f) => f.discard());
    clear(this.figuresBox);
    clear(this.legend);
    this.marks.hovered = null;
    this.marks.selected = selected;
    // A Vision-Zero game's images are shown player by player in the game section; here only when boxes are drawn on them.
    const media = snap.game && !hasBoxes(snap.media) ? null : snap.media;
    this.root.hidden = media === null;
    if (!media) {
      this.figures = [];
      return;
    }
    const images = shownImages(media);
    this.figures = images.slice(0, MAX_FIGURES).map((k) => new ImageFigure(k, snap, this.cb, this.marks));
    this.figuresBox.append(...this.figures.map((f) => f.root));
    if (images.length > MAX_FIGURES)
      this.figuresBox.append(el('div', { cls: 'muted', text: `and ${counted(images.length - MAX_FIGURES, 'more image')} not shown` }));
    if (hasBoxes(media)) this.renderLegend(snap);
    for (const f of this.figures) this.visible.observe(f.root);
  }

  private renderLegend(snap: GroupSnapshot): void {
    this.legend.append(...rewardLegend(snap.samples, 'malformed or outside the image (drawn clipped)'));
  }

  /** Lights up a sample's boxes (null: none); from a row or a box under the pointer. */
  highlight(index: number | null): void {
    this.marks.hovered = index;
    this.figures.forEach((f) => f.restyle());
  }

  select(index: number | null): void {
    this.marks.selected = index;
    this.figures.forEach((f) => f.restyle());
  }
}

type FigureState = 'idle' | 'loading' | 'loaded' | 'failed';

class ImageFigure {
  readonly root: HTMLElement;
  private readonly frame: HTMLElement;
  private readonly caption: HTMLElement;
  private state: FigureState = 'idle';
  private discarded = false;
  private canvas: HTMLCanvasElement | null = null;
  private overlay: HTMLElement | null = null;
  private zoomed = false;
  private readonly zoomButton: HTMLButtonElement;
  private size = { w: 0, h: 0 };
  private boxes: ImageBoxes = { predicted: [], targets: [] };
  private placed: Array<{ node: HTMLElement; rect: Rect; box: PredictedBox | null; marker: boolean }> = [];

  constructor(
    private readonly image: number,
    private readonly snap: GroupSnapshot,
    private readonly cb: MediaCallbacks,
    private readonly marks: Marks,
  ) {
    const label = snap.media?.images[image]?.label ?? `image ${image}`;
    this.frame = el('div', { cls: 'image-frame' });
    this.caption = el('span', { cls: 'box-count' });
    // Grounding targets are often a few percent of a screenshot: zooming shows where the boxes differ.
    this.zoomButton = el('button', {
      cls: 'zoom-boxes',
      text: 'Zoom to boxes',
      attrs: { type: 'button', hidden: true, 'aria-pressed': 'false' },
    });
    this.zoomButton.addEventListener('click', () => {
      this.zoomed = !this.zoomed;
      this.zoomButton.setAttribute('aria-pressed', String(this.zoomed));
      this.zoomButton.textContent = this.zoomed ? 'Whole image' : 'Zoom to boxes';
      this.layout();
    });
    this.root = el('figure', { cls: 'media-figure', attrs: { 'data-image': image } }, [
      this.frame,
      el('figcaption', {}, [this.caption, ' ', this.zoomButton, ' ', el('span', { cls: 'muted image-label', text: label, title: label })]),
    ]);
    this.setState('idle');
  }

  discard(): void {
    this.discarded = true;
  }

  /** Asks for the bytes once; later calls do nothing. */
  load(): void {
    if (this.state !== 'idle') return;
    this.setState('loading');
    clear(this.frame);
    this.frame.append(message('Loading image…'));
    this.caption.textContent = '';
    void this.fetchAndDraw();
  }

  private async fetchAndDraw(): Promise<void> {
    const got = await drawGroupImage(
      () => this.cb.load(this.image),
      () => this.discarded,
      'group-image',
    );
    if (!got) return;
    if (!got.ok) return this.fail(got.message);
    this.draw(got.canvas, got.width, got.height);
    requestAnimationFrame(() => {
      if (this.discarded) return;
      this.setState('loaded');
      // What the image benchmark times: the frame after the image and its boxes are on screen.
      performance.mark('rl:image-painted');
    });
  }

  private fail(text: string): void {
    this.setState('failed');
    clear(this.frame);
    // The message names the file or dataset row looked for: shown as text, never as markup.
    this.frame.append(el('div', { cls: 'image-placeholder', text, attrs: { role: 'note' } }));
    const n = this.countBoxes();
    this.caption.textContent = n > 0 ? `${counted(n, 'box', 'boxes')} not drawn: no image` : 'no image';
  }

  private draw(canvas: HTMLCanvasElement, width: number, height: number): void {
    this.size = { w: width, h: height };
    const media = this.snap.media;
    this.boxes = media ? imageBoxes(media, this.snap.samples, this.image, width, height) : { predicted: [], targets: [] };
    const overlay = el('div', { cls: 'box-overlay' });
    this.placed = [];
    for (const r of this.boxes.targets) {
      const node = el('div', { cls: 'target-box', title: 'target' }, [el('span', { cls: 'target-label', text: 'target' })]);
      this.placed.push({ node, rect: r, box: null, marker: false });
    }
    for (const b of this.boxes.predicted) this.placed.push({ node: this.boxNode(b), rect: b.rect, box: b, marker: false });
    for (const b of this.boxes.predicted) {
      if (!b.problem) continue;
      const node = el('div', { cls: 'box-flag', text: '⚠', title: boxTitle(b), attrs: { 'data-index': b.sample } });
      this.hookPointer(node, b.sample);
      this.placed.push({ node, rect: b.rect, box: b, marker: true });
    }
    overlay.append(...this.placed.map((p) => p.node));
    clear(this.frame);
    this.frame.append(canvas, overlay);
    this.canvas = canvas;
    this.overlay = overlay;
    this.zoomButton.hidden =
      zoomRect(
        this.placed.filter((p) => !p.marker).map((p) => p.rect),
        width,
        height,
      ) === null;
    this.caption.textContent = `${counted(this.boxes.predicted.length, 'box', 'boxes')} on image ${width}×${height}`;
    this.layout();
    this.restyle();
  }

  private boxNode(b: PredictedBox): HTMLElement {
    const node = el('div', {
      cls: b.problem ? ['pred-box', 'flagged'] : 'pred-box',
      title: boxTitle(b),
      attrs: { 'data-index': b.sample, 'data-box': b.box },
    });
    node.style.setProperty('--box-colour', b.colour);
    this.hookPointer(node, b.sample);
    return node;
  }

  private hookPointer(node: HTMLElement, sample: number): void {
    node.addEventListener('mouseenter', () => this.cb.hover(sample));
    node.addEventListener('mouseleave', () => this.cb.hover(null));
    node.addEventListener('click', () => this.cb.select(sample));
  }

  /** Places every box for the canvas's displayed size (after a draw and whenever the width changes). */
  layout(): void {
    if (!this.canvas || !this.overlay || this.size.w === 0) return;
    // Layout size, not the bounding box: a zoomed canvas is transformed.
    const shown = { width: this.canvas.clientWidth, height: this.canvas.clientHeight };
    if (shown.width === 0) return; // collapsed: placed again when shown
    const crop = this.zoomed
      ? zoomRect(
          this.placed.filter((p) => !p.marker).map((p) => p.rect),
          this.size.w,
          this.size.h,
        )
      : null;
    // CSS pixels per image pixel, and the image point at the frame's top-left corner.
    const s = (shown.width / this.size.w) * (crop ? this.size.w / crop.w : 1);
    const ox = crop?.x ?? 0;
    const oy = crop?.y ?? 0;
    this.zoomCanvas(crop, s, shown);
    this.overlay.style.setProperty('width', `${shown.width}px`);
    this.overlay.style.setProperty('height', `${shown.height}px`);
    for (const p of this.placed) {
      const st = p.node.style;
      const x = (p.rect.x - ox) * s;
      const y = (p.rect.y - oy) * s;
      if (p.marker) {
        // Kept inside the image even when the box is clipped to an edge or lies wholly outside it.
        st.setProperty('left', `${Math.max(0, Math.min(x, shown.width - MARKER_PX))}px`);
        st.setProperty('top', `${Math.max(0, Math.min(y, shown.height - MARKER_PX))}px`);
        continue;
      }
      st.setProperty('left', `${x}px`);
      st.setProperty('top', `${y}px`);
      st.setProperty('width', `${p.rect.w * s}px`);
      st.setProperty('height', `${p.rect.h * s}px`);
    }
  }

  /** Scales the canvas so `crop` (image pixels) fills the frame, or undoes that; layout places the boxes for it. */
  private zoomCanvas(crop: Rect | null, s: number, shown: { width: number; height: number }): void {
    const canvas = this.canvas!;
    this.frame.classList.toggle('zoomed', crop !== null);
    if (!crop) {
      canvas.style.removeProperty('transform');
      this.frame.style.removeProperty('height');
      return;
    }
    canvas.style.setProperty('transform', `translate(${-crop.x * s}px, ${-crop.y * s}px) scale(${this.size.w / crop.w})`);
    this.frame.style.setProperty('height', `${shown.height}px`);
  }

  restyle(): void {
    for (const p of this.placed) {
      if (!p.box) continue;
      p.node.classList.toggle('hot', p.box.sample === this.marks.hovered);
      p.node.classList.toggle('selected', p.box.sample === this.marks.selected);
    }
  }

  private countBoxes(): number {
    let n = 0;
    for (const s of this.snap.media?.samples ?? []) if (s.image === this.image && s.boxes) n += s.boxes.pred.length;
    return n;
  }

  private setState(state: FigureState): void {
    this.state = state;
    this.root.dataset['state'] = state;
  }
}

function boxTitle(b: PredictedBox): string {
  const s = b.scores;
  const hit = s.hit === null ? fmt(null) : s.hit ? 'yes' : 'no';
  return [
    `Sample #${b.sample}${b.box > 0 ? ` · box ${b.box + 1}` : ''} · reward ${fmt(b.reward)}`,
    `IoU ${fmt(s.iou)} · hit ${hit} · area ÷ target ${fmt(s.area_ratio)}`,
    b.problem ? `⚠ ${b.problem} (drawn clipped to the image)` : null,
  ]
    .filter(Boolean)
    .join('\n');
}
