// Run history: finished comparisons are kept (in the page and in localStorage, bounded) with the settings
// that made them, so any past run can be overlaid on the current charts. Results are only overlaid on a
// comparison of the same task, dataset and metric, and always under a label naming their entry.
import type { Family } from './adapters.js';

/** One past run: its loss, options, curves (thinned) and final numbers. */
export interface SavedRun {
  readonly loss: string;
  /** Options that differ from the spec's defaults, as JSON ('' when none). */
  readonly options: string;
  readonly status: string;
  readonly steps: number;
  /** `[step, loss]`, at most {@link MAX_POINTS} points (evenly thinned, the last one kept). */
  readonly losses: readonly (readonly [number, number])[];
  /** Per evaluation: step, metric (0–1), ECE when measured. */
  readonly evaluations: readonly { readonly step: number; readonly metric: number; readonly ece?: number }[];
  readonly stepsPerSecond: number;
}

/** A finished comparison as kept in the history. */
export interface SavedComparison {
  /** 1, 2, … in order of saving (never reused while the history lives). */
  readonly id: number;
  readonly savedAt: string;
  readonly family: Family;
  readonly dataset: string;
  /** Whether the metric is the multi-label mAP (not comparable with accuracy). */
  readonly multiLabel: boolean;
  /** The settings line of the comparison (`name: value`). */
  readonly settings: Readonly<Record<string, string>>;
  readonly url: string;
  readonly runs: readonly SavedRun[];
}

export const STORAGE_KEY = 'xent-demo-history-v1';
/** Comparisons kept; older ones are dropped first. */
export const MAX_ENTRIES = 12;
/** Loss-curve points kept per run. */
export const MAX_POINTS = 300;
/** Bytes of JSON kept in localStorage (older entries are dropped until it fits). */
export const MAX_BYTES = 1_000_000;

/** At most `max` points of `values` (1-based steps), evenly spaced, first and last kept. */
export function thin(values: readonly number[], max = MAX_POINTS): [number, number][] {
  if (values.length <= max) return values.map((v, i) => [i + 1, v]);
  const out: [number, number][] = [];
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (values.length - 1)) / (max - 1));
    out.push([i + 1, values[i]!]);
  }
  return out;
}

/** Whether `saved` can be drawn on the charts of a comparison of `family` on `dataset`. */
export function comparable(
  saved: Pick<SavedComparison, 'family' | 'dataset' | 'multiLabel'>,
  current: Pick<SavedComparison, 'family' | 'dataset' | 'multiLabel'>,
): boolean {
  return (
    saved.family === current.family &&
    saved.dataset === current.dataset &&
    saved.multiLabel === current.multiLabel
  );
}

/** Why `saved` cannot be overlaid on `current` (undefined when it can). */
export function incomparableReason(
  saved: Pick<SavedComparison, 'family' | 'dataset' | 'multiLabel'>,
  current: Pick<SavedComparison, 'family' | 'dataset' | 'multiLabel'>,
): string | undefined {
  if (saved.family !== current.family) return `another task (${saved.family})`;
  if (saved.dataset !== current.dataset) return `another dataset (${saved.dataset})`;
  if (saved.multiLabel !== current.multiLabel) return 'another metric (multi-label mAP vs accuracy)';
  return undefined;
}

/** Minimal storage (localStorage, or a stand-in in tests). */
export interface HistoryStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function isSaved(value: unknown): value is SavedComparison {
  const v = value as SavedComparison;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'number' &&
    typeof v.family === 'string' &&
    typeof v.dataset === 'string' &&
    Array.isArray(v.runs)
  );
}

/** The kept comparisons, newest last; mirrored to `storage` on every change (when one is given). */
export class RunHistory {
  private list: SavedComparison[] = [];
  private nextId = 1;
  /** Set when storage refused the history (quota, privacy mode): it is then kept in the page only. */
  storageError: string | undefined;

  constructor(private readonly storage?: HistoryStorage) {
    if (!storage) return;
    try {
      const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
      this.list = Array.isArray(parsed) ? parsed.filter(isSaved).slice(-MAX_ENTRIES) : [];
    } catch {
      this.list = [];
    }
    this.nextId = Math.max(0, ...this.list.map((e) => e.id)) + 1;
  }

  get entries(): readonly SavedComparison[] {
    return this.list;
  }

  get(id: number): SavedComparison | undefined {
    return this.list.find((e) => e.id === id);
  }

  /** Keeps `entry` (its id assigned here) and returns it; the oldest go beyond {@link MAX_ENTRIES}. */
  add(entry: Omit<SavedComparison, 'id'>): SavedComparison {
    const saved = { ...entry, id: this.nextId++ };
    this.list = [...this.list, saved].slice(-MAX_ENTRIES);
    this.persist();
    return saved;
  }

  remove(id: number): void {
    this.list = this.list.filter((e) => e.id !== id);
    this.persist();
  }

  clear(): void {
    this.list = [];
    this.persist();
  }

  /** Writes the history, dropping the oldest entries until it fits {@link MAX_BYTES} and the quota. */
  private persist(): void {
    if (!this.storage) return;
    this.storageError = undefined;
    let kept = this.list;
    while (kept.length) {
      const json = JSON.stringify(kept, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
      if (json.length <= MAX_BYTES) {
        try {
          this.storage.setItem(STORAGE_KEY, json);
          return;
        } catch (error) {
          this.storageError = error instanceof Error ? error.message : String(error);
        }
      }
      kept = kept.slice(1);
    }
    try {
      this.storage.removeItem(STORAGE_KEY);
    } catch {
      // storage unavailable: the history lives in the page only
    }
  }
}
