import { describe, expect, it } from 'vitest';
import {
  comparable,
  type HistoryStorage,
  incomparableReason,
  MAX_BYTES,
  MAX_ENTRIES,
  RunHistory,
  type SavedComparison,
  STORAGE_KEY,
  thin,
} from '../src/lib/history.js';

class MemoryStorage implements HistoryStorage {
  readonly data = new Map<string, string>();
  limit = Number.POSITIVE_INFINITY;
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (value.length > this.limit) throw new Error('QuotaExceededError');
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

const entry = (over: Partial<SavedComparison> = {}, points = 10): Omit<SavedComparison, 'id'> => ({
  savedAt: '2026-01-01T00:00:00.000Z',
  family: 'classification',
  dataset: 'mnist',
  multiLabel: false,
  settings: { scenario: 'clean' },
  url: 'http://x/?steps=10',
  runs: [
    {
      loss: 'crossEntropyLoss',
      options: '',
      status: 'done',
      steps: points,
      losses: thin(Array.from({ length: points }, (_, i) => 1 / (i + 1))),
      evaluations: [{ step: points, metric: 0.9, ece: 0.05 }],
      stepsPerSecond: Number.NaN,
    },
  ],
  ...over,
});

describe('run history', () => {
  it('thins long curves evenly, keeping the first and last step', () => {
    expect(thin([3, 2, 1], 5)).toEqual([
      [1, 3],
      [2, 2],
      [3, 1],
    ]);
    const long = thin(
      Array.from({ length: 1000 }, (_, i) => i),
      4,
    );
    expect(long.map(([step]) => step)).toEqual([1, 334, 667, 1000]);
    expect(long.map(([, v]) => v)).toEqual([0, 333, 666, 999]);
  });

  it('keeps entries across page loads, numbered, at most MAX_ENTRIES, newest last', () => {
    const storage = new MemoryStorage();
    const history = new RunHistory(storage);
    for (let k = 0; k < MAX_ENTRIES + 3; k++) history.add(entry({ settings: { k: String(k) } }));
    expect(history.entries).toHaveLength(MAX_ENTRIES);
    expect(history.entries[0]!.id).toBe(4);
    const reloaded = new RunHistory(storage);
    expect(reloaded.entries.map((e) => e.id)).toEqual(history.entries.map((e) => e.id));
    // NaN survives as null, never as a bogus number.
    expect(reloaded.entries[0]!.runs[0]!.stepsPerSecond).toBeNull();
    // Ids continue after the stored ones.
    expect(reloaded.add(entry()).id).toBe(MAX_ENTRIES + 4);
    reloaded.remove(5);
    expect(reloaded.get(5)).toBeUndefined();
    reloaded.clear();
    expect(new RunHistory(storage).entries).toEqual([]);
  });

  it('drops the oldest entries when storage refuses or the size bound is reached, and says so', () => {
    const storage = new MemoryStorage();
    const history = new RunHistory(storage);
    history.add(entry());
    const one = storage.getItem(STORAGE_KEY)!.length;
    storage.limit = one * 2.5;
    for (let k = 0; k < 4; k++) history.add(entry());
    // The page keeps all five; storage the newest two that fit.
    expect(history.entries).toHaveLength(5);
    expect(JSON.parse(storage.getItem(STORAGE_KEY)!).map((e: SavedComparison) => e.id)).toEqual([4, 5]);
    expect(history.storageError).toContain('Quota');
    // A single entry larger than MAX_BYTES is not stored at all.
    const huge = new RunHistory(new MemoryStorage());
    huge.add(entry({ url: 'x'.repeat(MAX_BYTES + 1) }));
    expect(huge.entries).toHaveLength(1);
  });

  it('ignores malformed storage', () => {
    const storage = new MemoryStorage();
    storage.setItem(STORAGE_KEY, '{not json');
    expect(new RunHistory(storage).entries).toEqual([]);
    storage.setItem(STORAGE_KEY, JSON.stringify([{ id: 'x' }, { ...entry(), id: 3 }]));
    expect(new RunHistory(storage).entries.map((e) => e.id)).toEqual([3]);
  });

  it('overlays only results of the same task, dataset and metric, and says why not', () => {
    const base = { family: 'classification', dataset: 'mnist', multiLabel: false } as const;
    expect(comparable(base, base)).toBe(true);
    expect(incomparableReason(base, base)).toBeUndefined();
    expect(incomparableReason({ ...base, family: 'metric' }, base)).toBe('another task (metric)');
    expect(incomparableReason({ ...base, dataset: 'spirals' }, base)).toBe('another dataset (spirals)');
    expect(incomparableReason({ ...base, multiLabel: true }, base)).toContain('multi-label');
    expect(comparable({ ...base, dataset: 'spirals' }, base)).toBe(false);
  });
});
