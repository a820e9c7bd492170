// Small SVG/canvas charts for per-run diagnostics: reliability diagram, ROC, scatter, decision regions
// (the live loss and metric curves are uPlot charts, see plots.ts).
import type { ReliabilityBin } from '../lib/metrics.js';

export const CLASS_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
  readonly id?: string;
}

const W = 360;
const H = 200;
const PAD = { left: 44, right: 10, top: 22, bottom: 28 };

const fmt = (v: number) =>
  Number.isInteger(v) && (v === 0 || Math.abs(v) >= 2)
    ? String(v)
    : Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 1
        ? v.toFixed(2)
        : v.toFixed(3);

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function frame(
  title: string,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  xLabel: string,
  body: string,
  kind: string,
) {
  const ticks = [y0, (y0 + y1) / 2, y1]
    .map((v) => {
      const y = PAD.top + (1 - (v - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
      return `<text x="${PAD.left - 4}" y="${y + 3}" text-anchor="end">${fmt(v)}</text><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" class="grid"/>`;
    })
    .join('');
  const xt = [x0, x1]
    .map(
      (v, i) =>
        `<text x="${i === 0 ? PAD.left : W - PAD.right}" y="${H - PAD.bottom + 14}" text-anchor="${i === 0 ? 'start' : 'end'}">${fmt(v)}</text>`,
    )
    .join('');
  return `<svg class="chart" data-chart="${kind}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(title)}">
<text x="${PAD.left}" y="14" class="title">${escapeXml(title)}</text>${ticks}${xt}
<text x="${(W + PAD.left) / 2}" y="${H - 4}" text-anchor="middle">${escapeXml(xLabel)}</text>
<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" class="plot"/>${body}</svg>`;
}

function scaler(x0: number, x1: number, y0: number, y1: number) {
  return (x: number, y: number): [number, number] => [
    PAD.left + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right),
    PAD.top + (1 - (y - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom),
  ];
}

function path(
  points: readonly (readonly [number, number])[],
  map: (x: number, y: number) => [number, number],
) {
  return points
    .map(([x, y], i) => {
      const [px, py] = map(x, y);
      return `${i === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`;
    })
    .join('');
}

/** Reliability diagram: accuracy per confidence bin against the diagonal. */
export function reliabilityChart(title: string, bins: readonly ReliabilityBin[], color: string): string {
  const map = scaler(0, 1, 0, 1);
  const bars = bins
    .map((b) => {
      if (b.count === 0) return '';
      const [x0, yTop] = map(b.lower, b.accuracy);
      const [x1, yBottom] = map(b.upper, 0);
      const [, yConf] = map(0, b.confidence);
      return `<rect x="${x0 + 1}" y="${yTop}" width="${x1 - x0 - 2}" height="${yBottom - yTop}" fill="${color}" opacity="0.75"/><line x1="${x0 + 1}" x2="${x1 - 1}" y1="${yConf}" y2="${yConf}" stroke="#111" stroke-dasharray="2 2"/>`;
    })
    .join('');
  const [dx0, dy0] = map(0, 0);
  const [dx1, dy1] = map(1, 1);
  const diagonal = `<line x1="${dx0}" y1="${dy0}" x2="${dx1}" y2="${dy1}" stroke="#888" stroke-dasharray="4 3"/>`;
  return frame(title, 0, 1, 0, 1, 'confidence (bars: accuracy)', bars + diagonal, 'reliability');
}

/** ROC curves of several runs with the chance diagonal. */
export function rocChart(title: string, series: readonly Series[]): string {
  const map = scaler(0, 1, 0, 1);
  const [dx0, dy0] = map(0, 0);
  const [dx1, dy1] = map(1, 1);
  const body =
    `<line x1="${dx0}" y1="${dy0}" x2="${dx1}" y2="${dy1}" stroke="#888" stroke-dasharray="4 3"/>` +
    series
      .map(
        (s) =>
          `<path d="${path(s.points, map)}" data-series="${escapeXml(s.id ?? s.label)}" stroke="${s.color}" fill="none" stroke-width="1.8"/>`,
      )
      .join('');
  return frame(title, 0, 1, 0, 1, 'false positive rate (y: true positive rate)', body, 'roc');
}

function setup(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  return ctx;
}

/** Scatter of 2-D points coloured by class, scaled to fit. */
export function drawScatter(
  canvas: HTMLCanvasElement,
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
): void {
  const ctx = setup(canvas);
  if (!ctx) return;
  const n = labels.length;
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, points[i * 2]!);
    maxX = Math.max(maxX, points[i * 2]!);
    minY = Math.min(minY, points[i * 2 + 1]!);
    maxY = Math.max(maxY, points[i * 2 + 1]!);
  }
  const pad = 8;
  // One scale for both axes, so distances and angles in the plot are the embedding's.
  const scale = Math.min(
    (canvas.width - 2 * pad) / (maxX - minX || 1),
    (canvas.height - 2 * pad) / (maxY - minY || 1),
  );
  const sx = scale;
  const sy = scale;
  for (let i = 0; i < n; i++) {
    ctx.fillStyle = CLASS_COLORS[labels[i]! % CLASS_COLORS.length]!;
    ctx.beginPath();
    ctx.arc(
      pad + (points[i * 2]! - minX) * sx,
      canvas.height - pad - (points[i * 2 + 1]! - minY) * sy,
      2.4,
      0,
      2 * Math.PI,
    );
    ctx.fill();
  }
}

/** Decision regions (class colour, alpha by confidence) over [−e, e]² with the test points on top. */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  boundary: { size: number; classes: ArrayLike<number>; confidence: ArrayLike<number> },
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
  extent = 1.25,
): void {
  const ctx = setup(canvas);
  if (!ctx) return;
  const cell = canvas.width / boundary.size;
  for (let r = 0; r < boundary.size; r++) {
    for (let c = 0; c < boundary.size; c++) {
      const i = r * boundary.size + c;
      ctx.globalAlpha = 0.15 + 0.45 * boundary.confidence[i]!;
      ctx.fillStyle = CLASS_COLORS[boundary.classes[i]! % CLASS_COLORS.length]!;
      ctx.fillRect(c * cell, r * cell, cell + 0.5, cell + 0.5);
    }
  }
  ctx.globalAlpha = 1;
  for (let i = 0; i < labels.length; i++) {
    const x = ((points[i * 2]! + extent) / (2 * extent)) * canvas.width;
    const y = ((extent - points[i * 2 + 1]!) / (2 * extent)) * canvas.height;
    ctx.fillStyle = CLASS_COLORS[labels[i]! % CLASS_COLORS.length]!;
    ctx.strokeStyle = '#fff';
    ctx.beginPath();
    ctx.arc(x, y, 2.6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}
