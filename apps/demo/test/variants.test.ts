// The demo's duplicate-aware variant: infoNceLoss fed the batch's doc rows (or query classes) by the run.
import * as tf from '@tensorflow/tfjs';
import { type AnyLossFn, registry } from '@xent/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { planInputs } from '../src/lib/adapters.js';
import { spirals } from '../src/lib/datasets.js';
import { applyScenario, CLEAN } from '../src/lib/scenario.js';
import { Run } from '../src/lib/train.js';
import { duplicateAwareName, isVariant, registerVariants, takesBatchIds } from '../src/lib/variants.js';

let plain: AnyLossFn;
let aware: AnyLossFn;

beforeAll(async () => {
  await import('../../../packages/retrieval/src/register.js');
  await tf.setBackend('cpu');
  const added = registerVariants();
  plain = registry.list().find((fn) => fn.spec.name === 'infoNceLoss')!;
  aware = added.find((fn) => fn.spec.name === duplicateAwareName('infoNceLoss'))!;
  // Registering again is a no-op (the page and check-presets may both call it).
  expect(registerVariants().map((fn) => fn.spec.id)).toEqual(added.map((fn) => fn.spec.id));
}, 60_000);

/** InfoNCE of query i over the docs whose id differs from dᵢ's (dᵢ itself kept), from cosines, in float64. */
function reference(q: number[][], d: number[][], ids: number[], scale: number): number[] {
  const norm = (v: number[]) => Math.hypot(...v);
  const cos = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k]!, 0) / (norm(a) * norm(b));
  return q.map((qi, i) => {
    let sum = 0;
    for (let j = 0; j < d.length; j++) {
      if (j !== i && ids[j] === ids[i]) continue;
      sum += Math.exp(scale * cos(qi, d[j]!));
    }
    return Math.log(sum) - scale * cos(qi, d[i]!);
  });
}

describe('duplicate-aware variant', () => {
  const q = [
    [1, 0.2],
    [0.3, 1],
    [-0.5, 0.4],
    [0.9, -0.6],
  ];
  const d = [
    [0.8, 0.1],
    [0.8, 0.1],
    [-0.4, 0.7],
    [1, -0.2],
  ];

  it('is registered for the losses that take batch ids, with a plan that asks the run for them', () => {
    expect(takesBatchIds(plain.spec)).toBe(true);
    expect(aware.spec.id).toBe('demo/info-nce-duplicate-aware');
    expect(isVariant(aware.spec) && !isVariant(plain.spec)).toBe(true);
    expect(aware.spec.family).toBe('retrieval');
    const plan = planInputs(aware.spec);
    expect(plan.supported && plan.batchIds).toBe(true);
    expect(plan.supported && plan.roles).toEqual(['queries', 'docs']);
    const basePlan = planInputs(plain.spec);
    expect(basePlan.supported && basePlan.batchIds).toBeUndefined();
  });

  it("masks docs that share the positive's row ('docs') or the query's class ('classes')", () => {
    const before = tf.memory().numTensors;
    const docRows = [5, 5, 9, 12];
    const queryClasses = [0, 1, 1, 2];
    const byDocs = aware(q, d, { docRows, queryClasses, reduction: 'none', scale: 5 });
    const byClasses = aware(q, d, {
      docRows,
      queryClasses,
      reduction: 'none',
      scale: 5,
      batchIds: 'classes',
    });
    const unmasked = plain(q, d, { reduction: 'none', scale: 5 });
    const docsRef = reference(q, d, docRows, 5);
    const classesRef = reference(q, d, queryClasses, 5);
    const plainRef = reference(q, d, [0, 1, 2, 3], 5);
    const values = [byDocs, byClasses, unmasked].map((t) => Array.from(t.dataSync()));
    for (const [got, want] of [
      [values[0]!, docsRef],
      [values[1]!, classesRef],
      [values[2]!, plainRef],
    ] as const) {
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
    }
    // Only the rows with a duplicate change.
    expect(values[0]![0]).toBeLessThan(values[2]![0]!);
    expect(values[0]![2]).toBeCloseTo(values[2]![2]!, 6);
    for (const t of [byDocs, byClasses, unmasked]) t.dispose();
    // The mean reduction and weights behave as the base loss's.
    const mean = aware(q, d, { docRows, queryClasses, scale: 5 });
    expect(mean.dataSync()[0]).toBeCloseTo(docsRef.reduce((a, b) => a + b, 0) / 4, 4);
    mean.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a bad batchIds value with the demo option named', () => {
    expect(() => aware(q, d, { docRows: [0, 1, 2, 3], batchIds: 'rows' })).toThrow(/batchIds/);
  });

  it('trains in a run that feeds the batch ids: same as the plain loss without duplicates, not with them', async () => {
    const config = { steps: 4, batchSize: 16, learningRate: 0.01, seed: 3, evalEvery: 4 };
    const losses = async (fn: AnyLossFn, duplicates: number) => {
      const plan = planInputs(fn.spec);
      if (!plan.supported) throw new Error(plan.reason);
      const data = applyScenario(spirals(), 'retrieval', CLEAN, 1);
      const run = new Run(fn, {}, plan, 'retrieval', data, { ...config, duplicates });
      while (!run.finished) await run.trainStep();
      run.dispose();
      return run.losses;
    };
    const before = tf.memory().numTensors;
    // Equal up to float32 rounding: without ids infoNceLoss takes core's fused in-batch shortcut, with
    // ids its general masked path (same formula, different operation order).
    const [awareClean, plainClean] = [await losses(aware, 0), await losses(plain, 0)];
    expect(awareClean).toHaveLength(plainClean.length);
    for (const [i, value] of awareClean.entries()) expect(value).toBeCloseTo(plainClean[i]!, 5);
    const [a, b] = [await losses(aware, 0.5), await losses(plain, 0.5)];
    expect(a[0]).toBeLessThan(b[0]!);
    expect(tf.memory().numTensors).toBe(before);
  });
});
