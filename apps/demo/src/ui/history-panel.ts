// The run-history panel: every finished comparison with its settings and final numbers, a checkbox to
// overlay its curves on the current charts (only where task, dataset and metric match; otherwise the
// reason is shown), and remove / clear.
import {
  comparable,
  incomparableReason,
  type RunHistory,
  type SavedComparison,
  thin,
} from '../lib/history.js';
import { h } from './dom.js';
import { metricShort } from './metric-names.js';
import type { Comparison } from './results.js';
import { changedOptions } from './results-table.js';

/** A history entry (without its id) for a comparison whose runs have stopped. */
export function snapshot(comparison: Comparison): Omit<SavedComparison, 'id'> {
  return {
    savedAt: new Date().toISOString(),
    family: comparison.family,
    dataset: comparison.dataset.id,
    multiLabel: Boolean(comparison.dataset.multiLabel),
    settings: comparison.settings,
    url: comparison.url,
    runs: comparison.runs.map((run) => ({
      loss: run.loss.spec.name,
      options: changedOptions(run),
      status: run.status,
      steps: run.step,
      losses: thin(run.losses),
      evaluations: run.evaluations.map((e) => ({
        step: e.step,
        metric: e.accuracy,
        ...(e.ece === undefined ? {} : { ece: e.ece }),
      })),
      stepsPerSecond: run.stepsPerSecond,
    })),
  };
}

/** The key that says which comparisons an entry may be overlaid on. */
function kindOf(comparison: Comparison) {
  return {
    family: comparison.family,
    dataset: comparison.dataset.id,
    multiLabel: Boolean(comparison.dataset.multiLabel),
  };
}

const pct = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '–';

export class HistoryPanel {
  readonly element = h('section', { className: 'panel history', 'data-testid': 'history' });
  private readonly selected = new Set<number>();
  private current: Comparison | undefined;
  /** The history id of the current comparison once saved (not overlaid on itself). */
  private currentId: number | undefined;

  /** Called when the overlay selection changes (redraw the charts). */
  onChange: () => void = () => {};

  constructor(private readonly history: RunHistory) {
    this.refresh();
  }

  /** Sets the comparison on screen (overlays apply to its charts); `savedId` once it is in the history. */
  setCurrent(comparison: Comparison | undefined, savedId?: number): void {
    this.current = comparison;
    this.currentId = savedId;
    if (comparison)
      for (const id of [...this.selected]) {
        const entry = this.history.get(id);
        if (!entry || !comparable(entry, kindOf(comparison)) || id === savedId) this.selected.delete(id);
      }
    this.refresh();
  }

  /** The entries to overlay on the current charts (selected and comparable). */
  overlays(): SavedComparison[] {
    const current = this.current;
    if (!current) return [];
    return this.history.entries.filter(
      (e) => this.selected.has(e.id) && e.id !== this.currentId && comparable(e, kindOf(current)),
    );
  }

  refresh(): void {
    const entries = [...this.history.entries].reverse();
    const clear = h(
      'button',
      {
        type: 'button',
        'data-testid': 'history-clear',
        disabled: entries.length === 0,
        onclick: () => {
          this.history.clear();
          this.selected.clear();
          this.refresh();
          this.onChange();
        },
      },
      'Clear history',
    );
    this.element.replaceChildren(
      h('div', { className: 'row' }, h('h2', {}, 'Run history'), clear),
      h(
        'p',
        { className: 'muted' },
        'Finished comparisons are kept here (and in this browser’s storage, the last 12) with the settings that made them. Tick one to overlay its runs on the current charts, dashed and labelled “· #n”; runs of another task, dataset or metric are never overlaid.',
      ),
      this.history.storageError
        ? h(
            'p',
            { className: 'stale' },
            `Kept in this page only: storage refused it (${this.history.storageError}).`,
          )
        : '',
      entries.length === 0
        ? h('p', { className: 'muted', 'data-testid': 'history-empty' }, 'No finished comparison yet.')
        : h('ol', { className: 'history-list', reversed: true }, ...entries.map((e) => this.item(e))),
    );
  }

  private item(entry: SavedComparison): HTMLElement {
    const current = this.current;
    const reason = current
      ? entry.id === this.currentId
        ? 'the comparison on screen'
        : incomparableReason(entry, kindOf(current))
      : 'train a comparison to overlay on';
    const id = `history-overlay-${entry.id}`;
    const box = h('input', {
      type: 'checkbox',
      id,
      'data-history': entry.id,
      disabled: reason !== undefined,
      checked: reason === undefined && this.selected.has(entry.id),
      onchange: (event: Event) => {
        if ((event.target as HTMLInputElement).checked) this.selected.add(entry.id);
        else this.selected.delete(entry.id);
        this.onChange();
      },
    });
    const metric = metricShort(entry.family, entry.multiLabel);
    const time = new Date(entry.savedAt).toLocaleTimeString();
    return h(
      'li',
      { className: 'history-entry', 'data-testid': 'history-entry', 'data-id': entry.id },
      h(
        'div',
        { className: 'row' },
        h('label', { for: id }, box, h('strong', {}, ` #${entry.id}`), ` overlay`),
        reason ? h('span', { className: 'muted small' }, `(${reason})`) : '',
        h('span', { className: 'muted small' }, time),
        h(
          'button',
          {
            type: 'button',
            className: 'link',
            'data-testid': 'history-remove',
            'aria-label': `remove comparison #${entry.id} from the history`,
            onclick: () => {
              this.history.remove(entry.id);
              this.selected.delete(entry.id);
              this.refresh();
              this.onChange();
            },
          },
          'remove',
        ),
        h('a', { href: entry.url, className: 'small' }, 'reopen'),
      ),
      h(
        'div',
        { className: 'muted small settings-line' },
        Object.entries(entry.settings)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · '),
      ),
      h(
        'ul',
        { className: 'history-runs' },
        ...entry.runs.map((run) => {
          const last = run.evaluations.at(-1);
          const best = run.evaluations.reduce<number>((b, e) => Math.max(b, e.metric ?? -1), -1);
          return h(
            'li',
            {},
            h('strong', {}, run.loss),
            run.options ? ` ${run.options}` : '',
            ` — ${run.status}, ${run.steps} steps, final ${metric} ${pct(last?.metric)} (best ${pct(best >= 0 ? best : undefined)})` +
              (typeof last?.ece === 'number' ? `, ECE ${last.ece.toFixed(3)}` : '') +
              (typeof run.stepsPerSecond === 'number' && Number.isFinite(run.stepsPerSecond)
                ? `, ${run.stepsPerSecond.toFixed(1)} steps/s`
                : ''),
          );
        }),
      ),
    );
  }
}
