// Long untrusted text shown without freezing the view: it is cut into chunks (at line ends where
// possible, never inside a highlight or a math span) and each chunk is built only when the reader
// scrolls near it. Highlights become <span>s whose text is set with textContent; math goes to KaTeX.
import { el } from './dom';
import { findMath, renderMath, type MathSpan } from './math';

export interface Mark {
  start: number;
  end: number;
  cls: string;
  title?: string;
  /** A CSS colour for the mark, exposed to the stylesheet as --heat. */
  heat?: string;
  /** A colour for a bar before the mark (e.g. the first token of a tree node, which carries δ). */
  lead?: string;
  leadTitle?: string;
}

export interface ChunkedTextOptions {
  /** Render math where it parses. */
  math: boolean;
  /** Characters per chunk (about a screenful of prose). */
  chunkChars?: number;
}

type Piece = { start: number; end: number; mark?: Mark; math?: MathSpan };

const DEFAULT_CHUNK = 6000;

/** A mark longer than half a chunk is cut into parts (only the first keeps its lead bar), so chunks stay small. */
function splitLong(text: string, m: Mark, max: number): Mark[] {
  if (m.end - m.start <= max) return [m];
  const { lead: _lead, leadTitle: _leadTitle, ...rest } = m;
  const parts: Mark[] = [];
  for (let s = m.start; s < m.end;) {
    let e = Math.min(m.end, s + max);
    const code = text.charCodeAt(e - 1);
    if (e < m.end && code >= 0xd800 && code <= 0xdbff) e++; // keep a surrogate pair in one span
    parts.push({ ...(s === m.start ? m : rest), start: s, end: e });
    s = e;
  }
  return parts;
}

/** Marks and math spans merged into one ordered, non-overlapping list; math wins an overlap. */
function pieces(text: string, marks: readonly Mark[], withMath: boolean, size: number): Piece[] {
  const maths: Piece[] = withMath ? findMath(text).map((m) => ({ start: m.start, end: m.end, math: m })) : [];
  const parts: Piece[] = marks
    .filter((m) => m.end > m.start)
    .flatMap((m) => splitLong(text, m, Math.max(2, size >> 1)).map((part) => ({ start: part.start, end: part.end, mark: part })));
  const all = [...maths, ...parts].sort((a, b) => a.start - b.start || (a.math ? -1 : 1));
  const out: Piece[] = [];
  let at = 0;
  for (const p of all) {
    if (p.start < at || p.start >= text.length) continue;
    out.push({ ...p, end: Math.min(p.end, text.length) });
    at = p.end;
  }
  return out;
}

/** Chunk boundaries: near `size`, at a newline if one is in the second half, pushed past any piece it would cut. */
function boundaries(text: string, ps: readonly Piece[], size: number): number[] {
  const cuts = [0];
  let k = 0;
  while ((cuts[cuts.length - 1] as number) < text.length) {
    const from = cuts[cuts.length - 1] as number;
    let cut = Math.min(text.length, from + size);
    if (cut < text.length) {
      const nl = text.lastIndexOf('\n', cut);
      if (nl > from + size / 2) cut = nl + 1;
      while (k < ps.length && (ps[k] as Piece).end <= cut) k++;
      const p = ps[k];
      if (p && p.start < cut) cut = p.end;
      // Never split a surrogate pair.
      const code = text.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut++;
    }
    cuts.push(Math.max(cut, from + 1));
  }
  return cuts;
}

export class ChunkedText {
  readonly root: HTMLElement;
  private readonly ps: Piece[];
  private readonly cuts: number[];
  private rendered = 0;
  private pieceAt = 0;
  private readonly sentinel: HTMLElement;
  private readonly observer: IntersectionObserver | undefined;

  constructor(
    private readonly text: string,
    marks: readonly Mark[],
    private readonly opts: ChunkedTextOptions,
  ) {
    const size = opts.chunkChars ?? DEFAULT_CHUNK;
    this.ps = pieces(text, marks, opts.math, size);
    this.cuts = boundaries(text, this.ps, size);
    this.root = el('div', { cls: 'chunked-text', attrs: { 'data-chunks': this.cuts.length - 1 } });
    this.sentinel = el('div', { cls: 'chunk-sentinel', attrs: { 'aria-hidden': 'true' } });
    this.root.appendChild(this.sentinel);
    this.renderNext();
    if (this.rendered < this.cuts.length - 1) {
      this.observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) this.renderNext();
        },
        { rootMargin: '800px' },
      );
      this.observer.observe(this.sentinel);
    }
  }

  get chunksRendered(): number {
    return this.rendered;
  }

  get chunksTotal(): number {
    return this.cuts.length - 1;
  }

  /** Builds everything left (e.g. before a "find in text" or for a test). */
  renderAll(): void {
    while (this.rendered < this.cuts.length - 1) this.renderNext();
  }

  dispose(): void {
    this.observer?.disconnect();
  }

  private renderNext(): void {
    if (this.rendered >= this.cuts.length - 1) return;
    const from = this.cuts[this.rendered] as number;
    const to = this.cuts[this.rendered + 1] as number;
    const chunk = el('span', { cls: 'chunk', attrs: { 'data-chunk': this.rendered } });
    let at = from;
    while (this.pieceAt < this.ps.length && (this.ps[this.pieceAt] as Piece).start < to) {
      const p = this.ps[this.pieceAt] as Piece;
      if (p.start > at) chunk.appendChild(document.createTextNode(this.text.slice(at, p.start)));
      chunk.appendChild(this.renderPiece(p));
      at = p.end;
      this.pieceAt++;
    }
    if (at < to) chunk.appendChild(document.createTextNode(this.text.slice(at, to)));
    this.root.insertBefore(chunk, this.sentinel);
    this.rendered++;
    if (this.rendered >= this.cuts.length - 1) {
      this.observer?.disconnect();
      this.sentinel.remove();
    }
  }

  private renderPiece(p: Piece): Node {
    const raw = this.text.slice(p.start, p.end);
    if (p.math) {
      const span = el('span', { cls: p.math.display ? 'math display' : 'math' });
      if (this.opts.math) renderMath(span, p.math, raw);
      else span.textContent = raw;
      return span;
    }
    const m = p.mark as Mark;
    const span = el('span', { cls: m.cls, text: raw, ...(m.title ? { title: m.title } : {}) });
    if (m.heat) span.style.setProperty('--heat', m.heat);
    if (!m.lead) return span;
    const frag = document.createDocumentFragment();
    const lead = el('span', { cls: 'lead', ...(m.leadTitle ? { title: m.leadTitle } : {}), attrs: { 'aria-hidden': 'true' } });
    lead.style.setProperty('--lead', m.lead);
    frag.append(lead, span);
    return frag;
  }
}
