// Live comparison charts on uPlot (canvas): hover read-outs in the legend, click a legend entry to hide a
// run, log scale and EMA smoothing for the loss, an x-axis that follows the steps done, labelled axes.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Ten distinguishable colours (Tableau 10, darkened where needed for white backgrounds)… */
export const RUN_COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#4b5563',
  '#a3a314',
  '#17becf',
];
/** …and dash patterns, so runs 11–40 differ too and colour-blind readers can tell lines apart. */
const DASHES: (number[] | undefined)[] = [undefined, [8, 4], [2, 3], [10, 3, 2, 3]];

export const runColor = (i: number) => RUN_COLORS[i % RUN_COLORS.length]!;
export const runDash = (i: number) => DASHES[Math.floor(i / RUN_COLORS.length) % DASHES.length];
/** A CSS border style matching {@link runDash} (legends and swatches). */
export const runDashCss = (i: number) => ['solid', 'dashed', 'dotted', 'dashed'][Math.floor(i / 10) % 4]!;

export interface Line {
  readonly label: string;
  readonly index: number;
  /** `[x, y]` points, x ascending. */
  readonly points: readonly (readonly [number, number])[];
  /** Drawn dashed grey (a reference such as the teacher). */
  readonly reference?: boolean;
  /** A run from the history, overlaid: drawn thin with short dashes in its own colour. */
  readonly past?: boolean;
}

export interface PlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Logarithmic y (ignored, with a note in the title, when a value is ≤ 0). */
  readonly log?: boolean;
  /** Fixed y range. */
  readonly yRange?: [number, number];
  /** Decimals in the hover read-out. */
  readonly decimals?: number;
  /** Suffix in the hover read-out (e.g. ' %'). */
  readonly unit?: string;
}

/** Exponential moving average (bias-corrected, so the first points are not pulled to 0). */
export function ema(values: readonly number[], alpha: number): number[] {
  if (!(alpha > 0)) return [...values];
  const out: number[] = [];
  let m = 0;
  let weight = 0;
  for (const v of values) {
    m = alpha * m + (1 - alpha) * v;
    weight = alpha * weight + (1 - alpha);
    out.push(m / weight);
  }
  return out;
}

/** Lines with different x values as uPlot's aligned table (nulls where a line has no point). */
export function align(lines: readonly Line[]): uPlot.AlignedData {
  const xs = [...new Set(lines.flatMap((l) => l.points.map(([x]) => x)))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const columns = lines.map((l) => {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    for (const [x, y] of l.points) ys[at.get(x)!] = Number.isFinite(y) ? y : null;
    return ys;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}

/** A chart kept across renders: `update` replaces its data (rebuilding only when the lines change). */
export class Plot {
  readonly element: HTMLElement;
  private chart: uPlot | undefined;
  private key = '';
  /** Series the user hid from the legend, kept across rebuilds. */
  private readonly hidden = new Set<string>();

  constructor(readonly kind: string) {
    this.element = document.createElement('div');
    this.element.className = 'plot-box';
    this.element.dataset.chart = kind;
  }

  update(lines: readonly Line[], options: PlotOptions): void {
    const positive = lines.every((l) => l.points.every(([, y]) => !Number.isFinite(y) || y > 0));
    const log = Boolean(options.log) && positive;
    const title = options.log && !positive ? `${options.title} (log scale off: values ≤ 0)` : options.title;
    const key = JSON.stringify([
      lines.map((l) => [l.label, l.index, l.reference, l.past]),
      title,
      log,
      options,
    ]);
    const data = align(lines);
    this.element.dataset.series = String(lines.length);
    this.element.dataset.points = lines.map((l) => l.points.length).join(',');
    this.element.dataset.log = String(log);
    // uPlot draws axes on the canvas: name them for tests and screen readers.
    this.element.dataset.yLabel = options.yLabel;
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', `${title}: ${options.yLabel} against ${options.xLabel}`);
    if (this.chart && key === this.key) {
      this.chart.setData(data);
      return;
    }
    this.key = key;
    this.chart?.destroy();
    const width = Math.max(240, Math.min(560, this.element.clientWidth || 480));
    const decimals = options.decimals ?? 4;
    const unit = options.unit ?? '';
    const opts: uPlot.Options = {
      title,
      width,
      height: 240,
      scales: {
        x: { time: false },
        y: log ? { distr: 3 } : options.yRange ? { range: options.yRange } : {},
      },
      axes: [
        { label: options.xLabel, stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
        {
          label: options.yLabel,
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.2)' },
          size: 56,
        },
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: options.xLabel },
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.reference ? '#888' : runColor(l.index),
          width: l.past ? 1.2 : 1.8,
          spanGaps: true,
          show: !this.hidden.has(l.label),
          ...(l.reference
            ? { dash: [6, 4] }
            : l.past
              ? { dash: [3, 3] }
              : runDash(l.index)
                ? { dash: runDash(l.index)! }
                : {}),
          // Markers only while few points are in view (evaluation curves, short runs, zoomed in).
          points: { show: (_u: uPlot, _si: number, i0: number, i1: number) => i1 - i0 < 40 },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${v.toFixed(decimals)}${unit}`),
        })),
      ],
      hooks: {
        setSeries: [
          (u, index) => {
            if (index === null) return;
            const s = u.series[index]!;
            if (s.show) this.hidden.delete(String(s.label));
            else this.hidden.add(String(s.label));
            this.element
              .querySelectorAll('.u-legend .u-series')
              [index]?.querySelector('th')
              ?.setAttribute('aria-pressed', String(Boolean(s.show)));
          },
        ],
      },
    };
    this.element.replaceChildren();
    this.chart = new uPlot(opts, data, this.element);
    this.keyboardLegend(this.chart);
  }

  /**
   * uPlot's legend entries toggle on click only: make each a focusable toggle button (Tab to it, Enter or
   * Space to show/hide the run), with its state in `aria-pressed`.
   */
  private keyboardLegend(chart: uPlot): void {
    const rows = Array.from(this.element.querySelectorAll<HTMLElement>('.u-legend .u-series'));
    rows.forEach((row, index) => {
      const toggle = row.querySelector('th');
      if (index === 0 || !toggle) return;
      const series = chart.series[index]!;
      toggle.tabIndex = 0;
      toggle.setAttribute('role', 'button');
      toggle.setAttribute('aria-pressed', String(Boolean(series.show)));
      toggle.setAttribute('aria-label', `show or hide ${String(series.label)} in the ${this.kind} chart`);
      toggle.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        chart.setSeries(index, { show: !chart.series[index]!.show });
      });
    });
  }

  /** Fits the chart to its container's width (after a layout change). */
  resize(): void {
    if (!this.chart) return;
    const width = Math.max(240, Math.min(560, this.element.clientWidth));
    if (width !== this.chart.width) this.chart.setSize({ width, height: 240 });
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}

/**
 * One PNG of the live charts in `container`: each chart's canvas with its title above and its legend
 * (colour, dash, name) below, side by side, on white.
 */
export async function chartsPng(container: HTMLElement): Promise<Blob> {
  const boxes = Array.from(container.querySelectorAll<HTMLElement>('.plot-box')).filter((b) =>
    b.querySelector('canvas'),
  );
  if (boxes.length === 0) throw new Error('charts PNG: no chart to export yet');
  const ratio = window.devicePixelRatio || 1;
  const parts = boxes.map((box) => {
    const canvas = box.querySelector('canvas')!;
    const labels = Array.from(box.querySelectorAll<HTMLElement>('.u-legend .u-series'))
      .slice(1)
      .map((row) => ({
        text: row.querySelector('.u-label')?.textContent ?? '',
        color: getComputedStyle(row.querySelector<HTMLElement>('.u-marker') ?? row).borderColor,
      }));
    return { canvas, title: box.querySelector('.u-title')?.textContent ?? '', labels };
  });
  const pad = 12 * ratio;
  const line = 16 * ratio;
  const width = parts.reduce((w, p) => w + p.canvas.width + pad, pad);
  const height =
    pad * 2 + line + Math.max(...parts.map((p) => p.canvas.height + p.labels.length * line + pad));
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.font = `${12 * ratio}px system-ui, sans-serif`;
  let x = pad;
  for (const part of parts) {
    ctx.fillStyle = '#111';
    ctx.fillText(part.title, x, pad + line * 0.75);
    ctx.drawImage(part.canvas, x, pad + line);
    part.labels.forEach((label, i) => {
      const y = pad + line + part.canvas.height + pad + i * line;
      ctx.fillStyle = label.color;
      ctx.fillRect(x, y - line * 0.4, 18 * ratio, 3 * ratio);
      ctx.fillStyle = '#111';
      ctx.fillText(label.text, x + 24 * ratio, y);
    });
    x += part.canvas.width + pad;
  }
  return new Promise((resolve, reject) =>
    out.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('charts PNG: encoding failed'))),
      'image/png',
    ),
  );
}
