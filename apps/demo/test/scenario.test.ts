import { describe, expect, it } from 'vitest';
import { multiLabelTask, outputWidth, spirals } from '../src/lib/datasets.js';
import { applyScenario, CLEAN, corruptLabels, describeScenario } from '../src/lib/scenario.js';
import { parseState, stateParams } from '../src/lib/state.js';
import { ema } from '../src/ui/plots.js';

describe('scenarios', () => {
  it('symmetric noise changes exactly round(p·n) labels, never to the same class', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => i % 10);
    const noisy = corruptLabels(labels, 10, 0.4, 'symmetric', 1);
    let changed = 0;
    const targets = new Set<number>();
    for (let i = 0; i < labels.length; i++) {
      if (noisy[i] !== labels[i]) {
        changed++;
        targets.add(noisy[i]!);
      }
    }
    expect(changed).toBe(400);
    expect(targets.size).toBe(10);
    expect(corruptLabels(labels, 10, 0.4, 'symmetric', 1)).toEqual(noisy);
  });

  it('asymmetric noise flips c to c+1 mod C', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => i % 5);
    const noisy = corruptLabels(labels, 5, 0.3, 'asymmetric', 2);
    let changed = 0;
    for (let i = 0; i < labels.length; i++) {
      if (noisy[i] === labels[i]) continue;
      changed++;
      expect(noisy[i]).toBe((labels[i]! + 1) % 5);
    }
    expect(changed).toBe(30);
  });

  it('long tail keeps n·ρ^(−c/(C−1)) rows per class and leaves the test split alone', () => {
    const base = spirals();
    const counts = (y: Int32Array) => Array.from({ length: 3 }, (_, c) => y.filter((v) => v === c).length);
    const full = counts(base.train.y);
    const tailed = applyScenario(base, 'classification', { ...CLEAN, imbalance: 100 }, 42);
    const got = counts(tailed.train.y);
    expect(got[0]).toBe(full[0]);
    expect(got[1]).toBe(Math.round(full[1]! / 10));
    expect(got[2]).toBe(Math.round(full[2]! / 100));
    expect(tailed.test).toBe(base.test);
    expect(describeScenario({ ...CLEAN, imbalance: 100 }, 'classification')).toBe('long tail ρ=100');
  });

  it('open set trains on the first half of the classes and tests on the rest', () => {
    const base = { ...spirals(1, 4), numClasses: 4 };
    const open = applyScenario(base, 'metric', { ...CLEAN, openSet: true }, 1);
    expect(new Set(open.train.y)).toEqual(new Set([0, 1]));
    expect(new Set(open.test.y)).toEqual(new Set([2, 3]));
    // Classification ignores the metric-only field.
    expect(applyScenario(base, 'classification', { ...CLEAN, openSet: true }, 1)).toBe(base);
  });
});

describe('URL state', () => {
  it('round-trips a full configuration', () => {
    const params = new URLSearchParams(
      'preset=noise40&family=retrieval&dataset=spirals&backend=wasm&steps=77&batch=32&lr=0.003&seed=5&evalEvery=7&noise=0.2&noiseKind=asymmetric&imbalance=10&trainSize=500&duplicates=0.3&losses=infoNceLoss,mwLoss&o.mwLoss.temperature=0.5&log=1&ema=0.5',
    );
    const state = parseState(params);
    expect(state.scenario).toEqual({
      noise: 0.2,
      noiseKind: 'asymmetric',
      imbalance: 10,
      trainSize: 500,
      openSet: false,
      duplicates: 0.3,
      multiLabel: false,
      teacherAccuracy: 0,
      teacherTemperature: 1,
    });
    expect(state.options).toEqual({ mwLoss: { temperature: '0.5' } });
    expect(parseState(stateParams(state))).toEqual(state);
    expect(stateParams(state).toString()).toBe(params.toString());
  });

  it('round-trips the multi-label and teacher-strength fields', () => {
    const params = new URLSearchParams(
      'family=distillation&dataset=mnist&steps=150&batch=64&lr=0.005&seed=42&evalEvery=15&multiLabel=1&teacherAccuracy=0.75&teacherTemperature=2&losses=kdLoss',
    );
    const state = parseState(params);
    expect(state.scenario).toMatchObject({ multiLabel: true, teacherAccuracy: 0.75, teacherTemperature: 2 });
    expect(parseState(stateParams(state))).toEqual(state);
    expect(describeScenario(state.scenario, 'distillation')).toBe(
      'teacher stopped at 75 % test accuracy, teacher logits ÷ 2',
    );
    expect(describeScenario(state.scenario, 'classification')).toBe(
      'multi-label (attributes + one label per class)',
    );
    const clamped = parseState(new URLSearchParams('teacherAccuracy=3&teacherTemperature=0'));
    expect(clamped.scenario).toMatchObject({ teacherAccuracy: 1, teacherTemperature: 0.1 });
  });

  it('the multi-label task: digit attributes, then one label per class', () => {
    const task = multiLabelTask(10);
    expect(task.names).toEqual([
      '≥ 5',
      'even',
      'closed loop',
      'prime',
      ...Array.from({ length: 10 }, (_, c) => `is ${c}`),
    ]);
    // 8: ≥ 5, even, loop, not prime, is 8.  7: ≥ 5, odd, no loop, prime, is 7.
    expect(task.table[8]).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(task.table[7]).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    const small = multiLabelTask(3);
    expect(small.names).toEqual(['≥ 2', 'even', 'is 0', 'is 1', 'is 2']);
    const data = applyScenario(spirals(), 'classification', { ...CLEAN, multiLabel: true }, 1);
    expect(data.multiLabel?.names).toHaveLength(5);
    expect(outputWidth(data)).toBe(5);
    // Only classification has the multi-label field.
    expect(applyScenario(spirals(), 'metric', { ...CLEAN, multiLabel: true }, 1).multiLabel).toBeUndefined();
  });

  it('falls back to defaults and clamps out-of-range values', () => {
    const state = parseState(new URLSearchParams('family=nope&steps=abc&noise=5&ema=3'));
    expect(state.family).toBe('classification');
    expect(state.steps).toBe(150);
    expect(state.scenario.noise).toBe(0.6);
    expect(state.chart.ema).toBe(0.99);
  });
});

describe('ema', () => {
  it('is bias-corrected and the identity at 0', () => {
    expect(ema([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const s = ema([4, 4, 4], 0.9);
    for (const v of s) expect(v).toBeCloseTo(4, 12);
    expect(ema([0, 10], 0.5)[1]).toBeCloseTo((0.5 * 0.5 * 0 + 0.5 * 10) / (1 - 0.25), 12);
  });
});
