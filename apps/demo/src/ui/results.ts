// Live results of a comparison: a card per run (progress, stop, latest numbers, error) and the charts.
import type { Family } from '../lib/adapters.js';
import type { Dataset } from '../lib/datasets.js';
import type { Run, Teacher } from '../lib/train.js';
import {
  drawBoundary,
  drawScatter,
  lineChart,
  RUN_COLORS,
  reliabilityChart,
  rocChart,
  type Series,
} from './charts.js';
import { h } from './dom.js';

export interface Comparison {
  readonly runs: readonly Run[];
  readonly family: Family;
  readonly dataset: Dataset;
  readonly teacher?: Teacher;
}

const color = (i: number) => RUN_COLORS[i % RUN_COLORS.length]!;
const pct = (v: number | undefined) =>
  v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(1)}%`;

interface Card {
  readonly element: HTMLElement;
  update(): void;
}

/** A run's card, built once and updated in place (so its Stop button stays clickable while training). */
function card(run: Run, index: number): Card {
  const metricName =
    run.family === 'metric' ? '1-NN acc' : run.family === 'retrieval' ? 'recall@1' : 'test acc';
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
    h(
      'div',
      { className: 'run-head' },
      h('span', { className: 'swatch', style: `background:${color(index)}` }),
      h('strong', {}, run.loss.spec.name),
      status,
    ),
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
      (last?.ece !== undefined ? ` · ECE ${last.ece.toFixed(3)}` : '') +
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

function legend(runs: readonly Run[]): HTMLElement {
  return h(
    'div',
    { className: 'legend' },
    ...runs.map((run, i) =>
      h('span', {}, h('span', { className: 'swatch', style: `background:${color(i)}` }), run.loss.spec.name),
    ),
  );
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
  readonly charts: HTMLElement;
  readonly perRun: HTMLElement;
}

const views = new WeakMap<HTMLElement, View>();

/** Draws `comparison` into `container`: cards are kept and updated, charts redrawn. */
export function renderComparison(container: HTMLElement, comparison: Comparison): void {
  const { runs, family, dataset, teacher } = comparison;
  let view = views.get(container);
  if (view?.comparison !== comparison) {
    const teacherLine =
      family === 'distillation' && teacher
        ? h(
            'div',
            { className: 'muted' },
            `teacher (${dataset.teacherHidden.join('-')} hidden) test accuracy ${pct(teacher.accuracy)}`,
          )
        : '';
    view = {
      comparison,
      cards: runs.map(card),
      charts: h('div', { className: 'charts' }),
      perRun: h('div', { className: 'per-run' }),
    };
    views.set(container, view);
    container.replaceChildren(
      h('div', { className: 'run-cards' }, ...view.cards.map((c) => c.element)),
      legend(runs),
      teacherLine,
      view.charts,
      view.perRun,
    );
  }
  for (const c of view.cards) c.update();
  const { charts, perRun } = view;
  const steps = Math.max(...runs.map((r) => r.config.steps));
  // Losses live on different scales (a triplet hinge near 0.05, proxy-anchor near 10): each curve is
  // divided by its first value so their shapes compare; the cards show the raw values.
  const lossSeries: Series[] = runs.map((run, i) => {
    const first = Math.abs(run.losses[0] ?? 1);
    const scale = first > 1e-8 ? first : 1;
    return {
      id: run.id,
      label: run.loss.spec.name,
      color: color(i),
      points: run.losses.map((v, step) => [step + 1, v / scale] as const),
    };
  });
  const accuracySeries: Series[] = runs.map((run, i) => ({
    id: run.id,
    label: run.loss.spec.name,
    color: color(i),
    points: run.evaluations.map((e) => [e.step, e.accuracy] as const),
  }));
  const accTitle =
    family === 'metric'
      ? '1-NN test accuracy'
      : family === 'retrieval'
        ? 'recall@1 (test)'
        : family === 'distillation'
          ? 'student vs teacher test accuracy'
          : 'test accuracy';
  if (family === 'distillation' && teacher) {
    accuracySeries.push({
      id: 'teacher',
      label: 'teacher',
      color: '#111',
      dashed: true,
      points: [
        [0, teacher.accuracy],
        [steps, teacher.accuracy],
      ],
    });
  }
  charts.replaceChildren(
    chartBox(lineChart('loss', 'training loss ÷ its step-1 value', lossSeries, { xMax: steps })),
    chartBox(
      lineChart(family === 'distillation' ? 'student-teacher' : 'accuracy', accTitle, accuracySeries, {
        xMax: steps,
        yRange: [0, 1],
      }),
    ),
  );
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
    charts.append(chartBox(rocChart('ROC (same-class query/doc pairs)', rocs)));
    charts.append(h('div', { className: 'auc', 'data-testid': 'auc' }, aucText));
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
