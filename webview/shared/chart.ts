// One dashboard chart over steps (or time): lines, or a stacked area of shares, with a hover
// read-out, a click (or Enter) that picks a step, an optional brush for a step range, and arrow-key
// navigation. Paths are decimated to the pixel width, so 10k steps cost what 1k do.
import * as d3 from 'd3';
import './chart.css';
import { clear, el } from './dom';
import { fmt, percent } from './format';
import { extent, readoutNumber, tickFormat } from './chartScale';
import { decimate, nearestIndex } from './decimate';

export interface Series {
  name: string;
  color: string;
  y: ReadonlyArray<number | null>;
  axis?: 'left' | 'right';
  dashed?: boolean;
  /** Half-width of a shaded band around the line, per x (± one standard deviation of the mean reward). */
  band?: ReadonlyArray<number | null>;
  /** What the band is, for the read-out (e.g. "std"). */
  bandName?: string;
}

export interface ChartSpec {
  key: string;
  title: string;
  x: readonly number[];
  xKind: 'step' | 'time';
  series: Series[];
  /** Stack the series as shares of their per-x total (difficulty buckets). */
  stacked?: boolean;
  format?: 'number' | 'percent';
  rightFormat?: 'number' | 'percent';
  /**
   * The left axis counts things (lengths, MiB, %): it starts at 0, so a 6% dip of a 2000-token mean
   * does not fill the chart, and read-outs round to whole numbers from 100 up (2290, 45.5).
   */
  count?: boolean;
  brush?: boolean;
  /** Shown instead of the plot when there is nothing to draw. */
  empty?: string;
  /** A dot on every point too: for a few sparse appearances (a prompt's timeline), not 10k steps. */
  dots?: boolean;
}

export interface ChartEvents {
  onPick?: (x: number) => void;
  onBrush?: (range: [number, number] | null) => void;
}

export interface ChartMarks {
  selected: number | null;
  range: [number, number] | null;
}

const HEIGHT = 150;
const M = { top: 8, right: 12, bottom: 22, left: 46 };

export class Chart {
  readonly root: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly readout: HTMLElement;
  private cursor = -1;
  private x: d3.ScaleLinear<number, number> | d3.ScaleTime<number, number> = d3.scaleLinear();

  constructor(
    private spec: ChartSpec,
    private readonly events: ChartEvents = {},
  ) {
    this.plot = el('div', { cls: 'plot' });
    this.readout = el('div', { cls: 'readout muted', attrs: { 'aria-live': 'polite' } });
    this.root = el('figure', { cls: 'chart', attrs: { 'data-chart': spec.key } }, [
      el('figcaption', {}, [el('span', { cls: 'chart-title', text: spec.title }), this.legend()]),
      this.plot,
      this.readout,
    ]);
  }

  setSpec(spec: ChartSpec): void {
    const caption = this.root.querySelector('figcaption');
    this.spec = spec;
    if (caption) {
      clear(caption);
      caption.append(el('span', { cls: 'chart-title', text: spec.title }), this.legend());
    }
  }

  render(width: number, marks: ChartMarks): void {
    clear(this.plot);
    const s = this.spec;
    const hasData = s.x.length > 0 && s.series.some((ser) => ser.y.some((v) => v !== null && Number.isFinite(v)));
    if (!hasData) {
      this.plot.append(el('div', { cls: 'message', text: s.empty ?? 'Nothing logged yet.' }));
      return;
    }
    const right = s.series.some((ser) => ser.axis === 'right');
    const w = Math.max(120, width - M.left - (right ? 46 : M.right));
    const h = HEIGHT - M.top - M.bottom;
    const x0 = s.x[0] as number;
    const x1 = s.x[s.x.length - 1] as number;
    this.x =
      s.xKind === 'time'
        ? d3
            .scaleTime()
            .domain([new Date(x0), new Date(x1)])
            .range([0, w])
        : d3
            .scaleLinear()
            .domain([x0, x1 === x0 ? x0 + 1 : x1])
            .range([0, w]);
    const xs = (v: number): number => this.x(v);
    const svg = d3
      .select(this.plot)
      .append('svg')
      .attr('width', w + M.left + (right ? 46 : M.right))
      .attr('height', HEIGHT)
      .attr('tabindex', 0)
      .attr('role', 'img')
      .attr(
        'aria-label',
        `${s.title}: ${s.series.map((ser) => ser.name).join(', ')} over ${s.x.length} ${s.xKind === 'time' ? 'samples' : 'steps'}; arrows move, Enter picks`,
      );
    const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
    const yLeft = d3.scaleLinear().range([h, 0]);
    const yRight = d3.scaleLinear().range([h, 0]);
    const columns = Math.max(50, Math.floor(w));

    if (s.stacked) {
      yLeft.domain([0, 1]);
      this.drawStacked(g, xs, yLeft, columns);
    } else {
      yLeft
        .domain(
          extent(
            s.series.filter((ser) => ser.axis !== 'right'),
            s.count === true,
          ),
        )
        .nice();
      if (right)
        yRight
          .domain(
            extent(
              s.series.filter((ser) => ser.axis === 'right'),
              false,
            ),
          )
          .nice();
      // Bands first, so every line is drawn over them.
      for (const ser of s.series) if (ser.band) this.drawBand(g, ser, xs, ser.axis === 'right' ? yRight : yLeft, x0, x1, columns);
      for (const ser of s.series) {
        const y = ser.axis === 'right' ? yRight : yLeft;
        const pts = decimate(s.x, ser.y, x0, x1, columns);
        g.append('path')
          .attr('class', `line${ser.dashed ? ' dashed' : ''}`)
          .attr('data-series', ser.name)
          .style('stroke', ser.color)
          .attr(
            'd',
            d3
              .line<{ x: number; y: number | null }>()
              .defined((p) => p.y !== null)
              .x((p) => xs(p.x))
              .y((p) => y(p.y as number))(pts),
          );
        if (s.dots) {
          g.append('g')
            .attr('class', 'dots')
            .attr('data-series', ser.name)
            .selectAll('circle')
            .data(
              s.x
                .map((x, i) => ({ x, y: ser.y[i] ?? null }))
                .filter((p): p is { x: number; y: number } => p.y !== null && Number.isFinite(p.y)),
            )
            .join('circle')
            .attr('r', 3.5)
            .attr('cx', (p) => xs(p.x))
            .attr('cy', (p) => y(p.y))
            .style('fill', ser.color);
        }
      }
    }
    const steps = this.x as d3.ScaleLinear<number, number>;
    // Steps are whole numbers: a two-step run must not get ticks 1, 1.2, … printed as "1 1 1 2 2 2".
    const xAxis =
      s.xKind === 'time'
        ? d3.axisBottom(this.x as d3.ScaleTime<number, number>).ticks(5)
        : d3.axisBottom(steps).tickValues(steps.ticks(6).filter(Number.isInteger)).tickFormat(d3.format('d'));
    g.append('g').attr('class', 'axis').attr('transform', `translate(0,${h})`).call(xAxis);
    g.append('g')
      .attr('class', 'axis')
      .call(d3.axisLeft(yLeft).ticks(4).tickFormat(tickFormat(yLeft, s.format)));
    if (right && !s.stacked)
      g.append('g')
        .attr('class', 'axis')
        .attr('transform', `translate(${w},0)`)
        .call(d3.axisRight(yRight).ticks(4).tickFormat(tickFormat(yRight, s.rightFormat)));

    if (marks.range && s.xKind === 'step') {
      const [a, b] = [xs(marks.range[0]), xs(marks.range[1])];
      g.insert('rect', ':first-child')
        .attr('class', 'range-band')
        .attr('x', a)
        .attr('y', 0)
        .attr('width', Math.max(1, b - a))
        .attr('height', h);
    }
    if (marks.selected !== null && s.xKind === 'step') {
      g.append('line')
        .attr('class', 'selected-step')
        .attr('x1', xs(marks.selected))
        .attr('x2', xs(marks.selected))
        .attr('y1', 0)
        .attr('y2', h);
    }
    const rule = g.append('line').attr('class', 'hover-rule').attr('y1', 0).attr('y2', h).style('display', 'none');
    const show = (i: number): void => {
      if (i < 0) return;
      this.cursor = i;
      const xv = s.x[i] as number;
      rule.style('display', null).attr('x1', xs(xv)).attr('x2', xs(xv));
      this.readout.textContent = this.describe(i);
    };
    const indexAt = (event: Event): number => {
      const [px] = d3.pointer(event, g.node());
      return nearestIndex(s.x, +this.x.invert(px));
    };
    svg.on('pointermove', (e: PointerEvent) => show(indexAt(e)));
    svg.on('pointerleave', () => rule.style('display', 'none'));
    svg.on('keydown', (e: KeyboardEvent) => {
      const steps: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, PageUp: 10, PageDown: -10 };
      if (e.key in steps) show(Math.max(0, Math.min(s.x.length - 1, (this.cursor < 0 ? 0 : this.cursor) + (steps[e.key] as number))));
      else if (e.key === 'Home') show(0);
      else if (e.key === 'End') show(s.x.length - 1);
      else if (e.key === 'Enter' && this.cursor >= 0) this.events.onPick?.(s.x[this.cursor] as number);
      else return;
      e.preventDefault();
    });
    if (s.brush && s.xKind === 'step' && this.events.onBrush) this.addBrush(g, w, h, marks, indexAt);
    else svg.on('click', (e: MouseEvent) => this.pick(indexAt(e)));
  }

  private pick(i: number): void {
    if (i >= 0) this.events.onPick?.(this.spec.x[i] as number);
  }

  private addBrush(
    g: d3.Selection<SVGGElement, unknown, null, undefined>,
    w: number,
    h: number,
    marks: ChartMarks,
    indexAt: (e: Event) => number,
  ): void {
    const s = this.spec;
    const brush = d3
      .brushX()
      .extent([
        [0, 0],
        [w, h],
      ])
      .on('end', (e: d3.D3BrushEvent<unknown>) => {
        if (!e.sourceEvent) return; // a programmatic move (restoring the range) is not the user's
        if (!e.selection) {
          // A click without a drag: pick that step (and clear the range).
          if (marks.range) this.events.onBrush?.(null);
          this.pick(indexAt(e.sourceEvent as Event));
          return;
        }
        const [a, b] = e.selection as [number, number];
        const from = s.x[nearestIndex(s.x, +this.x.invert(a))] as number;
        const to = s.x[nearestIndex(s.x, +this.x.invert(b))] as number;
        this.events.onBrush?.([from, to]);
      });
    const bg = g.append('g').attr('class', 'brush').call(brush);
    if (marks.range) bg.call(brush.move, [this.x(marks.range[0]), this.x(marks.range[1])]);
  }

  /** The band of a series: the decimated line's points (spikes kept), each ± its band value. */
  private drawBand(
    g: d3.Selection<SVGGElement, unknown, null, undefined>,
    ser: Series,
    xs: (v: number) => number,
    y: d3.ScaleLinear<number, number>,
    x0: number,
    x1: number,
    columns: number,
  ): void {
    const band = ser.band ?? [];
    const at = new Map(this.spec.x.map((x, i) => [x, i]));
    const pts = decimate(this.spec.x, ser.y, x0, x1, columns).map((p) => {
      const w = band[at.get(p.x) ?? -1];
      return { x: p.x, y: p.y, w: w === null || w === undefined || !Number.isFinite(w) ? null : w };
    });
    g.append('path')
      .attr('class', 'band')
      .attr('data-series', ser.name)
      .style('fill', ser.color)
      .attr(
        'd',
        d3
          .area<{ x: number; y: number | null; w: number | null }>()
          .defined((p) => p.y !== null && p.w !== null)
          .x((p) => xs(p.x))
          .y0((p) => y((p.y as number) - (p.w as number)))
          .y1((p) => y((p.y as number) + (p.w as number)))(pts),
      );
  }

  private drawStacked(
    g: d3.Selection<SVGGElement, unknown, null, undefined>,
    xs: (v: number) => number,
    y: d3.ScaleLinear<number, number>,
    columns: number,
  ): void {
    const s = this.spec;
    // Bucket averages of each layer's share, aligned across layers (decimation per layer would not stack).
    const n = s.x.length;
    const per = Math.max(1, Math.ceil(n / columns));
    const rows: Array<{ x: number; shares: number[] }> = [];
    for (let i = 0; i < n; i += per) {
      const sums = s.series.map(() => 0);
      let total = 0;
      for (let j = i; j < Math.min(n, i + per); j++) {
        s.series.forEach((ser, k) => {
          const v = ser.y[j] ?? 0;
          sums[k] = (sums[k] as number) + (Number.isFinite(v) ? v : 0);
          total += Number.isFinite(v) ? v : 0;
        });
      }
      rows.push({ x: s.x[i] as number, shares: sums.map((v) => (total > 0 ? v / total : 0)) });
    }
    const stack = d3
      .stack<{ x: number; shares: number[] }, number>()
      .keys(s.series.map((_, k) => k))
      .value((d, k) => d.shares[k] as number)(rows);
    stack.forEach((layer, k) => {
      g.append('path')
        .attr('class', 'area')
        .attr('data-series', (s.series[k] as Series).name)
        .style('fill', (s.series[k] as Series).color)
        .attr(
          'd',
          d3
            .area<d3.SeriesPoint<{ x: number; shares: number[] }>>()
            .x((p) => xs(p.data.x))
            .y0((p) => y(p[0]))
            .y1((p) => y(p[1]))(layer),
        );
    });
  }

  private describe(i: number): string {
    const s = this.spec;
    const xv = s.x[i] as number;
    const head = s.xKind === 'time' ? new Date(xv).toLocaleTimeString() : `step ${xv}`;
    // The read-out shows more precision than the axis ticks, through the one number formatter.
    const f = (v: number): string =>
      s.format === 'percent' ? percent(v) : s.count ? fmt(v, Math.abs(v) >= 100 ? 0 : 1) : readoutNumber(v);
    const rf = (v: number): string => (s.rightFormat === 'percent' ? percent(v) : readoutNumber(v));
    const parts = s.series.map((ser) => {
      const v = ser.y[i];
      const w = ser.band?.[i];
      const spread =
        w === null || w === undefined || !ser.band
          ? ''
          : ` ± ${ser.axis === 'right' ? rf(w) : f(w)}${ser.bandName ? ` (${ser.bandName})` : ''}`;
      return `${ser.name} ${v === null || v === undefined ? '–' : ser.axis === 'right' ? rf(v) : f(v)}${v === null || v === undefined ? '' : spread}`;
    });
    return `${head}: ${parts.join(' · ')}`;
  }

  private legend(): HTMLElement {
    return el(
      'span',
      { cls: 'legend' },
      this.spec.series.map((ser) => {
        const sw = el('span', { cls: 'swatch' });
        sw.style.setProperty('--swatch', ser.color);
        return el('span', {}, [sw, ser.name]);
      }),
    );
  }
}
