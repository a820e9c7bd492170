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

function card(run: Run, index: number): HTMLElement {
  const last = run.evaluations.at(-1);
  const metricName =
    run.family === 'metric' ? '1-NN acc' : run.family === 'retrieval' ? 'recall@1' : 'test acc';
  return h(
    'div',
    {
      className: `run ${run.status}`,
      'data-testid': 'run',
      'data-run': run.id,
      'data-status': run.status,
      'data-step': run.step,
    },
    h(
      'div',
      { className: 'run-head' },
      h('span', { className: 'swatch', style: `background:${color(index)}` }),
      h('strong', {}, run.loss.spec.name),
      h('span', { className: 'status' }, run.status),
    ),
    h('progress', { max: run.config.steps, value: run.step, 'data-testid': 'progress' }),
    h(
      'div',
      { className: 'run-stats' },
      `step ${run.step}/${run.config.steps} · loss ${run.losses.length ? run.losses.at(-1)!.toFixed(4) : '–'} · ${metricName} ${pct(last?.accuracy)}`,
      last?.ece !== undefined ? ` · ECE ${last.ece.toFixed(3)}` : '',
      last?.roc ? ` · AUC ${last.roc.auc.toFixed(3)}` : '',
    ),
    run.error ? h('div', { className: 'run-error', 'data-testid': 'run-error' }, run.error) : null,
    h(
      'button',
      {
        type: 'button',
        className: 'stop',
        'data-testid': 'stop',
        disabled: run.finished,
        onclick: () => run.stop(),
      },
      'Stop',
    ),
  );
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

export function renderComparison(container: HTMLElement, comparison: Comparison): void {
  const { runs, family, dataset, teacher } = comparison;
  const steps = Math.max(...runs.map((r) => r.config.steps));
  const lossSeries: Series[] = runs.map((run, i) => ({
    id: run.id,
    label: run.loss.spec.name,
    color: color(i),
    points: run.losses.map((v, step) => [step + 1, v] as const),
  }));
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
  const cards = h('div', { className: 'run-cards' }, ...runs.map(card));
  const charts = h(
    'div',
    { className: 'charts' },
    chartBox(lineChart('loss', 'training loss (each loss on its own scale)', lossSeries, { xMax: steps })),
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
  const perRun = h('div', { className: 'per-run' });
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
  const teacherLine =
    family === 'distillation' && teacher
      ? h(
          'div',
          { className: 'muted' },
          `teacher (${dataset.teacherHidden.join('-')} hidden) test accuracy ${pct(teacher.accuracy)}`,
        )
      : null;
  container.replaceChildren(cards, legend(runs), teacherLine ?? '', charts, perRun);
}
