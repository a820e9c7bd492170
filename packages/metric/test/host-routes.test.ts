import * as tf from '@tensorflow/tfjs';
import { withDevicePaths } from '@xent/core';
import { expectClose, expectNoLeak, gradCheck, randomNormal, seededRandom } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  avgNonZeroReducer,
  batchHardMiner,
  contrastiveLoss,
  cosineSimilarity,
  crossBatchMemory,
  meanReducer,
  multiSimilarityLoss,
  thresholdReducer,
  tripletMarginLoss,
} from '../src/index.js';
import { hostHooks } from '../src/internal/host-hooks.js';
import { hostContrastive, hostFilterReduce, withHostRoutes } from '../src/wrappers/host-routes.js';

type M = number[][];

// The contrastive loss with a filter reducer from its formula, float64 loops: ℓ⁺ = [g⁺]₊, ℓ⁻ = [g⁻]₊
// with g⁺ = d − m⁺, g⁻ = m⁻ − d (similarity: m⁺ − s, s − m⁻); each part the mean of w·ℓ over the
// elements with low < ℓ < high, counted with their multiplicity w (0 if none), the parts summed.
function contrastiveLoops(
  d: M,
  pos: M,
  neg: M,
  o: { posMargin: number; negMargin: number; inverted: boolean; low?: number; high?: number },
): number {
  const inside = (l: number) => l > (o.low ?? -Infinity) && l < (o.high ?? Infinity);
  const part = (w: M, gap: (v: number) => number) => {
    let [sum, count] = [0, 0];
    d.forEach((row, i) => {
      row.forEach((v, j) => {
        const l = Math.max(0, gap(v));
        if (w[i]![j]! !== 0 && inside(l)) [sum, count] = [sum + w[i]![j]! * l, count + w[i]![j]!];
      });
    });
    return sum / Math.max(count, 1);
  };
  const s = o.inverted ? -1 : 1;
  return part(pos, (v) => s * (v - o.posMargin)) + part(neg, (v) => -s * (v - o.negMargin));
}

function multiplicities(rows: number, cols: number, seed: number) {
  const random = seededRandom(seed);
  const pos = Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => (random() < 0.3 ? (random() < 0.5 ? 1 : 2) : 0)),
  );
  const neg = pos.map((r) => r.map((v) => (v === 0 && random() < 0.8 ? 1 : 0)));
  return { pos, neg };
}

describeBackends(['cpu', 'wasm'], () => {
  describe('host routes of crossBatchMemory: closed-form passes = formula loops', () => {
    const cases = [
      { posMargin: 0.3, negMargin: 1.1, inverted: false, low: 0 },
      { posMargin: 0.3, negMargin: 1.1, inverted: false },
      { posMargin: 0.6, negMargin: 0.2, inverted: true, low: 0.05, high: 0.5 },
    ];
    for (const [k, c] of cases.entries()) {
      it(`hostContrastive, ${JSON.stringify(c)}`, () => {
        const d = (randomNormal([5, 7], 90 + k) as M).map((r) => r.map((v) => 0.8 + 0.5 * v));
        const { pos, neg } = multiplicities(5, 7, 95 + k);
        const [p, n] = [tf.tensor(pos), tf.tensor(neg)];
        const reducer = thresholdReducer({ low: c.low, high: c.high });
        const host = (t: tf.Tensor) => hostContrastive(t, p, n, c, c.inverted, reducer)!;
        expectClose(host(tf.tensor(d)), contrastiveLoops(d, pos, neg, c), { atol: 1e-6 });
        gradCheck({
          fn: host,
          reference: (t) => contrastiveLoops(t as M, pos, neg, c),
          at: [d],
          epsilon: 1e-4,
        });
        const input = tf.tensor(d);
        expectNoLeak(() => tf.grad(host)(input));
        tf.dispose([p, n, input]);
      });
    }
    it('hostFilterReduce: each part with its multiplicities, the parts summed', () => {
      const a = (randomNormal([4, 6], 97) as M).map((r) => r.map(Math.abs));
      const b = (randomNormal([6], 98) as number[]).map((v) => v * 0.3);
      const { pos } = multiplicities(4, 6, 99);
      const w = tf.tensor(pos);
      const reducer = thresholdReducer({ low: 0.1, high: 1.5 });
      const reduce = (x: tf.Tensor, y: tf.Tensor) =>
        hostFilterReduce(reducer, [
          { losses: x, weights: w, kind: 'pos-pair' },
          { losses: y, kind: 'element' },
        ])!;
      const device = (x: tf.Tensor, y: tf.Tensor) =>
        reducer.reduce([
          { losses: x, weights: w, kind: 'pos-pair' } as never,
          { losses: y, kind: 'element' },
        ]);
      const inside = (l: number) => l > 0.1 && l < 1.5;
      const loops = (x: M, y: number[]) => {
        let [s, c] = [0, 0];
        x.forEach((r, i) => {
          r.forEach((l, j) => {
            if (pos[i]![j]! > 0 && inside(l)) [s, c] = [s + pos[i]![j]! * l, c + pos[i]![j]!];
          });
        });
        const kept = y.filter(inside);
        return s / Math.max(c, 1) + kept.reduce((t, l) => t + l, 0) / Math.max(kept.length, 1);
      };
      const [x, y] = [tf.tensor(a), tf.tensor(b)];
      expectClose(reduce(x, y), loops(a, b), { atol: 1e-6 });
      expectClose(device(x, y), loops(a, b), { atol: 1e-6 });
      const [gx, gy] = tf.grads(reduce)([x, y]);
      const [ex, ey] = tf.grads(device)([x, y]);
      expectClose(gx!, ex!, { atol: 1e-6 });
      expectClose(gy!, ey!, { atol: 1e-6 });
      // Nothing kept: 0 with a zero gradient.
      const none = hostFilterReduce(thresholdReducer({ low: 100 }), [{ losses: x, kind: 'element' }])!;
      expect(none.dataSync()[0]).toBe(0);
      expectNoLeak(() => tf.grads(reduce)([x, y]));
      tf.dispose([w, x, y, gx!, gy!, ex!, ey!, none]);
    });
    it('withHostRoutes installs the routes for its call only, also when it throws', () => {
      expect(hostHooks.reduce).toBeUndefined();
      withHostRoutes(() => expect(hostHooks.reduce).toBe(hostFilterReduce));
      expect(() =>
        withHostRoutes(() => {
          throw new Error('inner');
        }),
      ).toThrow('inner');
      expect(hostHooks.reduce).toBeUndefined();
      expect(hostHooks.contrastive).toBeUndefined();
      // Reducers from elsewhere take the device path.
      expect(
        hostContrastive(
          tf.zeros([1, 1]),
          tf.ones([1, 1]),
          tf.zeros([1, 1]),
          { posMargin: 0, negMargin: 1 },
          false,
          {
            name: 'custom',
            reduce: () => tf.scalar(0),
          },
        ),
      ).toBeUndefined();
    });
  });
});

describeBackends(['cpu', 'wasm'], () => {
  describe('crossBatchMemory: host routes (cpu/wasm) = device path (webgl/webgpu formulation)', () => {
    const D = 6;
    const history = [0, 1, 2].map((s) => tf.tensor(randomNormal([8, D], 110 + s) as M));
    const labels = [0, 1, 2, 0, 1, 2, 3, 3];
    const wrapped = [
      ['contrastive (avgNonZero)', contrastiveLoss, {}, undefined],
      [
        'contrastive (mean, cosine)',
        contrastiveLoss,
        { reducer: meanReducer(), distance: cosineSimilarity() },
        undefined,
      ],
      [
        'contrastive (threshold)',
        contrastiveLoss,
        { reducer: thresholdReducer({ low: 0.05, high: 0.9 }) },
        undefined,
      ],
      ['contrastive with a miner', contrastiveLoss, { reducer: avgNonZeroReducer() }, batchHardMiner()],
      ['triplet with a miner', tripletMarginLoss, {}, batchHardMiner()],
      ['multi-similarity', multiSimilarityLoss, {}, undefined],
    ] as const;
    for (const [name, loss, options, miner] of wrapped) {
      it(name, () => {
        // Two memories with the same history; the last call once on each path.
        const make = () => {
          const xbm = crossBatchMemory(loss as typeof contrastiveLoss, {
            embeddingSize: D,
            memorySize: 20,
            miner,
          });
          for (const h of history.slice(0, 2)) xbm.loss(h, labels).dispose();
          return xbm;
        };
        const [host, device] = [make(), make()];
        const x = history[2]!;
        const step = (xbm: ReturnType<typeof make>) =>
          tf.valueAndGrad((t: tf.Tensor) => xbm.loss(t, labels, options as never) as tf.Scalar)(x);
        const h = step(host);
        const d = withDevicePaths(() => step(device));
        expectClose(h.value, d.value, { atol: 1e-5, rtol: 1e-5 });
        expectClose(h.grad, d.grad, { atol: 1e-5, rtol: 1e-5 });
        expect(Math.abs(h.value.dataSync()[0]!)).toBeGreaterThan(0);
        expectNoLeak(() => step(host));
        tf.dispose([h.value, h.grad, d.value, d.grad]);
        host.dispose();
        device.dispose();
      });
    }
  });
});
