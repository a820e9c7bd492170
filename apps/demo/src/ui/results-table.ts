// The results table of a comparison (final and best metric, ECE, tail-class accuracy, speed, settings) and
// its CSV/JSON export.
import type { Run } from '../lib/train.js';
import { h } from './dom.js';
import { showError } from './errors.js';
import { metricShort } from './metric-names.js';
import { chartsPng } from './plots.js';
import type { Comparison } from './results.js';

/** One exported row per run; numbers stay numbers (NaN becomes null in JSON, empty in CSV). */
export interface ResultRow {
  readonly loss: string;
  readonly options: string;
  readonly status: string;
  readonly steps: number;
  readonly finalMetric: number;
  readonly bestMetric: number;
  readonly bestStep: number;
  readonly finalEce: number;
  /** Mean test accuracy of the second half of the classes (the tail under a long-tail scenario). */
  readonly tailAccuracy: number;
  /** Multi-label: final macro F1 at threshold ½. */
  readonly finalF1: number;
  /** Retrieval: final mean average precision (same-class docs relevant) and ROC AUC of the test scores. */
  readonly finalMap: number;
  readonly finalAuc: number;
  readonly finalLoss: number;
  readonly stepsPerSecond: number;
  readonly wallSeconds: number;
}

function tail(run: Run): number {
  const per = run.evaluations.at(-1)?.classAccuracy;
  if (!per?.length) return Number.NaN;
  const half = per.slice(Math.floor(per.length / 2));
  return half.reduce((a, b) => a + b, 0) / half.length;
}

/** The options a run was given that differ from its spec's defaults, as JSON ('' when none). */
export function changedOptions(run: Run): string {
  const defaults = run.loss.spec.defaults as Record<string, unknown>;
  const changed = Object.fromEntries(
    Object.entries(run.options).filter(([key, value]) => !Object.is(defaults[key], value)),
  );
  return Object.keys(changed).length ? JSON.stringify(changed) : '';
}

export function resultRows(comparison: Comparison): ResultRow[] {
  return comparison.runs.map((run) => {
    const evals = run.evaluations;
    const best = evals.reduce<(typeof evals)[number] | undefined>(
      (b, e) => (b === undefined || e.accuracy > b.accuracy ? e : b),
      undefined,
    );
    const last = evals.at(-1);
    return {
      loss: run.loss.spec.name,
      options: changedOptions(run),
      status: run.status,
      steps: run.step,
      finalMetric: last?.accuracy ?? Number.NaN,
      bestMetric: best?.accuracy ?? Number.NaN,
      bestStep: best?.step ?? Number.NaN,
      finalEce: last?.ece ?? Number.NaN,
      tailAccuracy: run.dataset.multiLabel ? Number.NaN : tail(run),
      finalF1: last?.f1 ?? Number.NaN,
      finalMap: last?.meanAp ?? Number.NaN,
      finalAuc: last?.roc?.auc ?? Number.NaN,
      finalLoss: run.losses.at(-1) ?? Number.NaN,
      stepsPerSecond: run.stepsPerSecond,
      wallSeconds: run.wallSeconds,
    };
  });
}

const COLUMNS: readonly (keyof ResultRow)[] = [
  'loss',
  'options',
  'status',
  'steps',
  'finalMetric',
  'bestMetric',
  'bestStep',
  'finalEce',
  'tailAccuracy',
  'finalF1',
  'finalMap',
  'finalAuc',
  'finalLoss',
  'stepsPerSecond',
  'wallSeconds',
];

const csvCell = (v: unknown) => {
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** CSV: a `# key: value` line per setting, then a header and one row per run. */
export function toCsv(comparison: Comparison): string {
  const lines = [
    ...Object.entries({ ...comparison.settings, url: comparison.url }).map(
      ([k, v]) => `# ${k}: ${v.replace(/\n/g, ' ')}`,
    ),
    COLUMNS.join(','),
    ...resultRows(comparison).map((row) => COLUMNS.map((c) => csvCell(row[c])).join(',')),
  ];
  return `${lines.join('\n')}\n`;
}

/** JSON: settings, URL, rows and each run's curves. */
export function toJson(comparison: Comparison): string {
  return JSON.stringify(
    {
      settings: comparison.settings,
      url: comparison.url,
      results: resultRows(comparison),
      curves: comparison.runs.map((run) => ({
        loss: run.loss.spec.name,
        losses: run.losses,
        evaluations: run.evaluations.map((e) => ({ step: e.step, metric: e.accuracy, ece: e.ece ?? null })),
      })),
    },
    (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  );
}

function download(name: string, type: string, data: string | Blob): void {
  const url = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '–');
const fixed = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '–');

interface TableView {
  readonly comparison: Comparison;
  readonly body: HTMLElement;
}
const tables = new WeakMap<HTMLElement, TableView>();

/** Fills `box` with the table of `comparison` (export buttons built once, rows refreshed). */
export function resultsTable(box: HTMLElement, comparison: Comparison): void {
  let view = tables.get(box);
  const multiLabel = Boolean(comparison.dataset.multiLabel);
  const metric = metricShort(comparison.family, multiLabel);
  const calibrated = comparison.family === 'classification' || comparison.family === 'distillation';
  const ranked = comparison.family === 'retrieval';
  if (view?.comparison !== comparison) {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const body = h('tbody', {});
    view = { comparison, body };
    tables.set(box, view);
    box.replaceChildren(
      h(
        'div',
        { className: 'row' },
        h('h3', {}, 'Results'),
        h(
          'button',
          {
            type: 'button',
            'data-testid': 'export-csv',
            onclick: () => download(`xent-results-${stamp}.csv`, 'text/csv', toCsv(comparison)),
          },
          'Export CSV',
        ),
        h(
          'button',
          {
            type: 'button',
            'data-testid': 'export-json',
            onclick: () => download(`xent-results-${stamp}.json`, 'application/json', toJson(comparison)),
          },
          'Export JSON',
        ),
        h(
          'button',
          {
            type: 'button',
            'data-testid': 'export-png',
            onclick: () =>
              void chartsPng(box.parentElement ?? box)
                .then((png) => download(`xent-charts-${stamp}.png`, 'image/png', png))
                .catch((error) => showError(error, 'charts PNG')),
          },
          'Charts PNG',
        ),
      ),
      h(
        'div',
        { className: 'scroll-x' },
        h(
          'table',
          { className: 'results-table', 'data-testid': 'results-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...[
                'loss',
                'status',
                'steps',
                `final ${metric}`,
                `best ${metric} (step)`,
                ...(calibrated ? ['final ECE', multiLabel ? 'final F1 @ ½' : 'tail classes acc'] : []),
                ...(ranked ? ['final mAP', 'final AUC'] : []),
                'final loss',
                'steps/s',
                'wall',
              ].map((t) => h('th', {}, t)),
            ),
          ),
          body,
        ),
      ),
    );
  }
  const rows = resultRows(comparison);
  const bestFinal = Math.max(...rows.map((r) => (Number.isFinite(r.finalMetric) ? r.finalMetric : -1)));
  view.body.replaceChildren(
    ...rows.map((r) =>
      h(
        'tr',
        {
          'data-loss': r.loss,
          'data-final': r.finalMetric,
          'data-status': r.status,
          className: r.finalMetric === bestFinal && rows.length > 1 ? 'winner' : '',
        },
        h(
          'td',
          { title: r.options },
          r.loss,
          r.options ? h('div', { className: 'muted small' }, r.options) : '',
        ),
        h('td', {}, r.status),
        h('td', {}, String(r.steps)),
        h('td', {}, pct(r.finalMetric)),
        h('td', {}, `${pct(r.bestMetric)} (${Number.isFinite(r.bestStep) ? r.bestStep : '–'})`),
        ...(calibrated
          ? [h('td', {}, fixed(r.finalEce, 3)), h('td', {}, pct(multiLabel ? r.finalF1 : r.tailAccuracy))]
          : []),
        ...(ranked ? [h('td', {}, pct(r.finalMap)), h('td', {}, fixed(r.finalAuc, 3))] : []),
        h('td', {}, fixed(r.finalLoss, 4)),
        h('td', {}, fixed(r.stepsPerSecond, 1)),
        h('td', {}, `${fixed(r.wallSeconds, 1)} s`),
      ),
    ),
  );
}
