// Live results of a comparison: a card per run (progress, stop, latest numbers, error), uPlot charts of
// loss and test metrics, a results table with CSV/JSON export, and per-run diagnostics.
import type { Family } from '../lib/adapters.js';
import type { Dataset } from '../lib/datasets.js';
import type { SavedComparison } from '../lib/history.js';
import type { Run, Teacher } from '../lib/train.js';
import { drawBoundary, drawScatter, reliabilityChart, rocChart, type Series } from './charts.js';
import { h } from './dom.js';
import { metricLabel, metricShort } from './metric-names.js';
import { ema, type Line, Plot, runColor, runDashCss } from './plots.js';
import { resultsTable } from './results-table.js';

/** How the loss chart is drawn (from the chart controls). */
export interface ChartView {
  readonly log: boolean;
  readonly ema: number;
  /** `raw` values, or each run divided by |its step-1 value| (keeps the sign, so direction is kept). */
  readonly scale: 'raw' | 'relative';
}

export interface Comparison {
  readonly runs: readonly Run[];
  readonly family: Family;
  readonly dataset: Dataset;
  readonly teacher?: Teacher;
  /** The settings that produced it, as `name: value` (shown and exported with the results). */
  readonly settings: Readonly<Record<string, string>>;
  /** The URL of the configuration. */
  readonly url: string;
}

const color = runColor;
const pct = (v: number | undefined) =>
  v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(1)}%`;

interface Card {
  readonly element: HTMLElement;
  update(): void;
}

/** A run's card, built once and updated in place (so its Stop button stays clickable while training). */
function card(run: Run, index: number): Card {
  const metricName = metricShort(run.family, Boolean(run.dataset.multiLabel));
  const status = h('span', { className: 'status' });
  const progress = h('progress', { max: run.config.steps, value: 0, 'data-testid': 'progress' });
  const stats = h('div', { className: 'run-stats' });
  const error = h('div', { className: 'run-error', 'data-testid': 'run-error', hidden: true });
  const stop = h(
    'button',
    { type: 'button', className: 'stop', 'data-testid': 'stop', onclick: () => run.stop() },
    'Stop',
  );
  const element = h(
    'div',
    { 'data-testid': 'run', 'data-run': run.id },
    h('div', { className: 'run-head' }, swatch(index), h('strong', {}, run.loss.spec.name), status),
    progress,
    stats,
    error,
    stop,
  );
  const update = () => {
    const last = run.evaluations.at(-1);
    element.className = `run ${run.status}`;
    element.dataset.status = run.status;
    element.dataset.step = String(run.step);
    status.textContent = run.status;
    progress.value = run.step;
    stats.textContent =
      `step ${run.step}/${run.config.steps} · loss ${run.losses.length ? run.losses.at(-1)!.toFixed(4) : '–'} · ${metricName} ${pct(last?.accuracy)}` +
      (last?.f1 !== undefined ? ` · F1 ${pct(last.f1)}` : '') +
      (last?.ece !== undefined ? ` · ECE ${last.ece.toFixed(3)}` : '') +
      (last?.meanAp !== undefined ? ` · mAP ${pct(last.meanAp)}` : '') +
      (last?.roc ? ` · AUC ${last.roc.auc.toFixed(3)}` : '');
    if (run.error && error.hidden) {
      error.textContent = run.error;
      error.hidden = false;
    }
    stop.disabled = run.finished;
  };
  update();
  return { element, update };
}

function swatch(index: number): HTMLElement {
  return h('span', {
    className: 'swatch',
    style: `border-top: 3px ${runDashCss(index)} ${color(index)}`,
  });
}

/** A captioned square canvas drawn by `draw`. */
function canvasBox(testId: string, size: number, caption: string, draw: (canvas: HTMLCanvasElement) => void) {
  const canvas = h('canvas', { width: size, height: size, 'data-testid': testId, title: caption });
  draw(canvas);
  return h('div', { className: 'canvas-box' }, h('div', { className: 'caption' }, caption), canvas);
}

function chartBox(svg: string): HTMLElement {
  return h('div', { className: 'chart-box', html: svg });
}

interface View {
  readonly comparison: Comparison;
  readonly cards: Card[];
  readonly lossPlot: Plot;
  readonly metricPlot: Plot;
  readonly ecePlot: Plot | undefined;
  readonly table: HTMLElement;
  readonly extra: HTMLElement;
  readonly perRun: HTMLElement;
}

const views = new WeakMap<HTMLElement, View>();

/** Loss curve points of a run as drawn: relative (÷ |first|) or raw, then EMA-smoothed. */
export function lossPoints(run: Run, view: ChartView): [number, number][] {
  const first = Math.abs(run.losses[0] ?? 1);
  const scale = view.scale === 'relative' && first > 1e-8 ? first : 1;
  return ema(
    run.losses.map((v) => v / scale),
    view.ema,
  ).map((v, step) => [step + 1, v]);
}

/** Loss curve points of a past run as drawn (same scaling and smoothing as {@link lossPoints}). */
function pastLossPoints(points: readonly (readonly [number, number])[], view: ChartView): [number, number][] {
  const first = Math.abs(points[0]?.[1] ?? 1);
  const scale = view.scale === 'relative' && first > 1e-8 ? first : 1;
  const smoothed = ema(
    points.map(([, v]) => v / scale),
    view.ema,
  );
  return points.map(([step], i) => [step, smoothed[i]!]);
}

/**
 * Draws `comparison` into `container`: cards are kept and updated, charts get new data. `overlays`
 * (entries of the run history, comparable with it) are added to the charts, each run labelled
 * "loss · #entry" and drawn dashed.
 */
export function renderComparison(
  container: HTMLElement,
  comparison: Comparison,
  chartView: ChartView,
  overlays: readonly SavedComparison[] = [],
): void {
  const { runs, family, dataset, teacher } = comparison;
  const multiLabel = Boolean(dataset.multiLabel);
  let view = views.get(container);
  if (view?.comparison !== comparison) {
    for (const old of [view?.lossPlot, view?.metricPlot, view?.ecePlot]) old?.destroy();
    const teacherLine =
      family === 'distillation' && teacher
        ? h(
            'div',
            { className: 'muted' },
            `teacher (${dataset.teacherHidden.join('-')} hidden) test accuracy ${pct(teacher.accuracy)} after ${teacher.steps} steps` +
              (teacher.temperature === 1 ? '' : `, logits ÷ ${teacher.temperature}`),
          )
        : '';
    const calibrated = family === 'classification' || family === 'distillation';
    view = {
      comparison,
      cards: runs.map(card),
      lossPlot: new Plot('loss'),
      metricPlot: new Plot(family === 'distillation' ? 'student-teacher' : 'accuracy'),
      ecePlot: calibrated ? new Plot('ece') : undefined,
      table: h('div', { className: 'table-box' }),
      extra: h('div', { className: 'charts' }),
      perRun: h('div', { className: 'per-run' }),
    };
    views.set(container, view);
    container.replaceChildren(
      h(
        'div',
        { className: 'settings-line', 'data-testid': 'settings-line' },
        h('strong', {}, 'Settings: '),
        Object.entries(comparison.settings)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · '),
      ),
      h('div', { className: 'run-cards' }, ...view.cards.map((c) => c.element)),
      teacherLine,
      h(
        'div',
        { className: 'charts' },
        view.lossPlot.element,
        view.metricPlot.element,
        view.ecePlot?.element ?? '',
      ),
      view.table,
      view.extra,
      view.perRun,
    );
  }
  for (const c of view.cards) c.update();
  // History runs: colours after the current runs (and the teacher line), labelled with their entry.
  const past = overlays.flatMap((entry) => entry.runs.map((run) => ({ entry, run })));
  const pastIndex = (k: number) => runs.length + 1 + k;
  const pastLabel = ({ entry, run }: (typeof past)[number]) => `${run.loss} · #${entry.id}`;
  const lossLines: Line[] = [
    ...runs.map((run, i) => ({
      label: run.loss.spec.name,
      index: i,
      points: lossPoints(run, chartView),
    })),
    ...past.map((p, k) => ({
      label: pastLabel(p),
      index: pastIndex(k),
      past: true,
      points: pastLossPoints(p.run.losses, chartView),
    })),
  ];
  view.lossPlot.update(lossLines, {
    title: `training loss${chartView.scale === 'relative' ? ' ÷ |step-1 value|' : ''}${chartView.ema > 0 ? `, EMA ${chartView.ema}` : ''}`,
    xLabel: 'step',
    yLabel: chartView.scale === 'relative' ? 'loss ÷ |first|' : 'loss',
    log: chartView.log,
  });
  const metricLines: Line[] = runs.map((run, i) => ({
    label: run.loss.spec.name,
    index: i,
    points: run.evaluations.map((e) => [e.step, e.accuracy * 100] as [number, number]),
  }));
  if (family === 'distillation' && teacher) {
    const last = Math.max(1, ...runs.map((r) => r.step));
    metricLines.push({
      label: 'teacher',
      index: runs.length,
      reference: true,
      points: [
        [0, teacher.accuracy * 100],
        [last, teacher.accuracy * 100],
      ],
    });
  }
  metricLines.push(
    ...past.map((p, k) => ({
      label: pastLabel(p),
      index: pastIndex(k),
      past: true,
      points: p.run.evaluations.map((e) => [e.step, (e.metric ?? Number.NaN) * 100] as [number, number]),
    })),
  );
  view.metricPlot.update(metricLines, {
    title: family === 'distillation' ? 'student vs teacher test accuracy' : metricLabel(family, multiLabel),
    xLabel: 'step',
    yLabel: `${metricLabel(family, multiLabel)} (%)`,
    yRange: [0, 100],
    decimals: 1,
    unit: ' %',
  });
  view.ecePlot?.update(
    [
      ...runs.map((run, i) => ({
        label: run.loss.spec.name,
        index: i,
        points: run.evaluations.map((e) => [e.step, e.ece ?? Number.NaN] as [number, number]),
      })),
      ...past.map((p, k) => ({
        label: pastLabel(p),
        index: pastIndex(k),
        past: true,
        points: p.run.evaluations.map((e) => [e.step, e.ece ?? Number.NaN] as [number, number]),
      })),
    ],
    { title: 'expected calibration error (lower is better)', xLabel: 'step', yLabel: 'ECE', decimals: 3 },
  );
  resultsTable(view.table, comparison);
  const { extra, perRun } = view;
  extra.replaceChildren();
  if (family === 'retrieval') {
    const rocs: Series[] = runs.flatMap((run, i) => {
      const r = run.evaluations.at(-1)?.roc;
      return r
        ? [
            {
              id: run.id,
              label: `${run.loss.spec.name} AUC ${r.auc.toFixed(3)}`,
              color: color(i),
              points: r.fpr.map((x, k) => [x, r.tpr[k]!] as const),
            },
          ]
        : [];
    });
    const aucText = rocs.map((s) => s.label).join(' · ');
    extra.append(chartBox(rocChart('ROC (same-class query/doc pairs)', rocs)));
    extra.append(h('div', { className: 'auc', 'data-testid': 'auc' }, aucText));
  }
  perRun.replaceChildren();
  runs.forEach((run, i) => {
    const last = run.evaluations.at(-1);
    if (!last) return;
    const cell = h(
      'div',
      { className: 'per-run-cell' },
      h('div', { className: 'per-run-title' }, run.loss.spec.name),
    );
    if (last.bins) {
      cell.append(
        chartBox(reliabilityChart(`reliability · ECE ${last.ece!.toFixed(3)}`, last.bins, color(i))),
      );
    }
    if (last.boundary) {
      const { boundary } = last;
      cell.append(
        canvasBox('boundary-plot', 240, 'decision regions', (canvas) =>
          drawBoundary(canvas, boundary, dataset.test.x, dataset.test.y),
        ),
      );
    }
    if (last.projection) {
      const { points, labels } = last.projection;
      const caption = `test embeddings (${dataset.embeddingDim > 2 ? 'PCA to 2-D' : '2-D'}), colour = class`;
      cell.append(canvasBox('embedding-plot', 260, caption, (canvas) => drawScatter(canvas, points, labels)));
    }
    if (cell.childElementCount > 1) perRun.append(cell);
  });
}

/** Fits the live charts to their containers (after a resize). */
export function resizeCharts(container: HTMLElement): void {
  const view = views.get(container);
  for (const plot of [view?.lossPlot, view?.metricPlot, view?.ecePlot]) plot?.resize();
}
