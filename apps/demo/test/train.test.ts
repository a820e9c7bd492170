import * as tf from '@tensorflow/tfjs';
import type { AnyLossFn, AnyLossSpec } from '@xent/core';
import { describe, expect, it, vi } from 'vitest';
import { EXAMPLE_LOSSES } from '../src/fixtures/example-losses.js';
import { planInputs } from '../src/lib/adapters.js';
import { spirals } from '../src/lib/datasets.js';
import { compareMemory, findLinearCrossEntropy } from '../src/lib/memory.js';
import { groupShape, Run } from '../src/lib/train.js';

const config = { steps: 6, batchSize: 16, learningRate: 0.01, seed: 3, evalEvery: 3 };

describe('Run (cpu, spirals)', () => {
  it('trains with the same initial weights and batches for the same seed, and evaluates', async () => {
    const loss = EXAMPLE_LOSSES.find((fn) => fn.spec.id === 'demo/cross-entropy')!;
    const plan = planInputs(loss.spec);
    if (!plan.supported) throw new Error(plan.reason);
    const before = tf.memory().numTensors;
    const a = new Run(loss, {}, plan, 'classification', spirals(), config);
    const b = new Run(loss, {}, plan, 'classification', spirals(), config);
    while (!a.finished) await a.trainStep();
    while (!b.finished) await b.trainStep();
    expect(a.losses).toHaveLength(6);
    expect(a.losses).toEqual(b.losses);
    expect(a.evaluations.map((e) => e.step)).toEqual([3, 6]);
    expect(a.evaluations[1]!.boundary?.classes).toHaveLength(40 * 40);
    expect(a.status).toBe('done');
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records the loss error on the run', async () => {
    const loss = EXAMPLE_LOSSES.find((fn) => fn.spec.id === 'demo/focal')!;
    const plan = planInputs(loss.spec);
    if (!plan.supported) throw new Error(plan.reason);
    const run = new Run(loss, { gamma: -1 }, plan, 'classification', spirals(), config);
    await expect(run.trainStep()).rejects.toThrow('options.gamma');
    expect(run.status).toBe('error');
    expect(run.error).toContain('expected a finite number in [0, ∞), received -1');
    run.dispose();
  });

  it('trains metric and retrieval example losses', async () => {
    for (const id of ['demo/proxy-nca', 'demo/infonce', 'demo/in-batch-hinge']) {
      const loss = EXAMPLE_LOSSES.find((fn) => fn.spec.id === id)!;
      const plan = planInputs(loss.spec);
      if (!plan.supported) throw new Error(plan.reason);
      const family = loss.spec.family as 'metric' | 'retrieval';
      const run = new Run(loss, {}, plan, family, spirals(), config);
      while (!run.finished) await run.trainStep();
      const last = run.evaluations.at(-1)!;
      if (family === 'metric') expect(last.projection?.points).toHaveLength(2 * 400);
      else expect(last.roc?.auc).toBeGreaterThan(0);
      run.dispose();
    }
  });
});

describe('cosine-score adapter', () => {
  it('feeds scores in [−1, 1] (normalised embeddings) to a spec that asks for cosine scores', async () => {
    let largest = 0;
    const spec = {
      id: 'test/cosine',
      name: 'cosineSpy',
      family: 'retrieval',
      inputs: [
        {
          name: 'scores',
          dtype: 'float32',
          shape: ['N', 'L'],
          description: 'point × label scores (e.g. cosine)',
        },
        { name: 'targets', dtype: 'float32', shape: ['N', 'L'], description: 'multi-hot relevance' },
      ],
    };
    const spy = Object.assign(
      (scores: tf.Tensor, targets: tf.Tensor) => {
        largest = Math.max(
          largest,
          tf.tidy(() => tf.max(tf.abs(scores)).dataSync()[0]!),
        );
        return tf.neg(tf.mean(tf.mul(scores, targets)));
      },
      { spec },
    ) as unknown as AnyLossFn;
    const plan = planInputs(spec as unknown as AnyLossSpec);
    if (!plan.supported) throw new Error(plan.reason);
    expect(plan.roles).toEqual(['cosineScores', 'relevance']);
    const run = new Run(spy, {}, plan, 'retrieval', spirals(), { ...config, steps: 3 });
    while (!run.finished) await run.trainStep();
    expect(largest).toBeGreaterThan(0.1);
    expect(largest).toBeLessThanOrEqual(1 + 1e-5);
    run.dispose();
  });
});

describe('scored-pair adapter', () => {
  it('pairs even rows with their own doc and odd rows with the next pair’s, scored 1 for the same class', async () => {
    const seen: { first: number[]; second: number[]; scores: number[] }[] = [];
    const spec = {
      id: 'test/pairs',
      name: 'pairSpy',
      family: 'retrieval',
      inputs: [
        { name: 'emb1', dtype: 'float32', shape: ['N', 'D'], description: 'first of each pair' },
        { name: 'emb2', dtype: 'float32', shape: ['N', 'D'], description: 'second of each pair' },
        { name: 'scores', dtype: 'float32', shape: ['N'], description: 'gold score of each pair' },
      ],
    };
    const spy = Object.assign(
      (a: tf.Tensor, b: tf.Tensor, scores: tf.Tensor) => {
        seen.push({
          first: Array.from(a.dataSync()),
          second: Array.from(b.dataSync()),
          scores: Array.from(scores.dataSync()),
        });
        return tf.mean(tf.mul(tf.sum(tf.mul(a, b), 1), scores));
      },
      { spec },
    ) as unknown as AnyLossFn;
    const plan = planInputs(spec as unknown as AnyLossSpec);
    if (!plan.supported) throw new Error(plan.reason);
    expect(plan.roles).toEqual(['pairFirst', 'pairSecond', 'pairScores']);
    const before = tf.memory().numTensors;
    const run = new Run(spy, {}, plan, 'retrieval', spirals(), { ...config, steps: 2 });
    while (!run.finished) await run.trainStep();
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const { scores } of seen) {
      expect(scores).toHaveLength(config.batchSize / 2);
      // Even pairs are (query, its positive doc): same class.
      scores.forEach((v, i) => {
        if (i % 2 === 0) expect(v).toBe(1);
        else expect([0, 1]).toContain(v);
      });
      // Over 8 pairs of 3 spiral classes, some odd pair is unrelated.
      expect(scores).toContain(0);
    }
    // Odd pairs' second embedding is the next pair's doc, so pair 1's equals pair 2's.
    const { second } = seen[0]!;
    const d = second.length / (config.batchSize / 2);
    expect(second.slice(d, 2 * d)).toEqual(second.slice(2 * d, 3 * d));
  });
});

describe('groupShape', () => {
  it('takes S distinct classes × M ≥ 2 rows from the batch size', () => {
    expect(groupShape(64, 10)).toEqual({ s: 10, m: 6 });
    expect(groupShape(16, 10)).toEqual({ s: 4, m: 4 });
    expect(groupShape(8, 3)).toEqual({ s: 2, m: 4 });
  });
});

describe('compareMemory', () => {
  it('measures dense cross-entropy, and linearCrossEntropy when @xent/cce is in the workspace', async () => {
    const results = await compareMemory(64, 2048, 16);
    const dense = results[0]!;
    expect(dense.method).toBe('dense cross-entropy');
    expect(dense.peakBytes).toBeGreaterThanOrEqual(64 * 2048 * 4);
    expect(Number.isFinite(dense.loss)).toBe(true);
    const fused = await findLinearCrossEntropy();
    expect(results).toHaveLength(fused ? 2 : 1);
    if (fused) {
      expect(results[1]!.loss).toBeCloseTo(dense.loss, 4);
      expect(results[1]!.peakBytes).toBeLessThan(dense.peakBytes);
    }
  });
});

describe('steps per second', () => {
  it('still shows a rate after the run when the clock is too coarse to time single steps', async () => {
    const loss = EXAMPLE_LOSSES.find((fn) => fn.spec.id === 'demo/cross-entropy')!;
    const plan = planInputs(loss.spec);
    if (!plan.supported) throw new Error(plan.reason);
    // A clock that only ticks between steps (as a browser's rounded performance.now() on fast steps).
    let now = 1000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const run = new Run(loss, {}, plan, 'classification', spirals(), { ...config, evalEvery: 100 });
      while (!run.finished) {
        await run.trainStep();
        now += 10;
      }
      expect(run.trainMs).toBe(0);
      expect(run.stepsPerSecond).toBeCloseTo(6 / 0.05, 6); // 6 steps; the last one ended the run at +50 ms
      run.dispose();
    } finally {
      clock.mockRestore();
    }
  });
});
