import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, gradCheck, seededRandom } from '@xent/testing';
import { describe, it } from 'vitest';
import { avgNonZeroReducer, type FilterReducer, meanReducer, thresholdReducer } from '../src/index.js';

// The filter reducers as float64 loops: per part, Σ w·ℓ·1[low < ℓ < high] / max(Σ w·1[…], 1), summed over
// parts; a 'reduced' part is added as is.
function reduceLoops(
  reducer: FilterReducer,
  parts: readonly { losses: number[]; weights?: number[]; reduced?: boolean }[],
): number {
  return parts.reduce((total, part) => {
    if (part.reduced) return total + part.losses.reduce((s, v) => s + v, 0);
    let [sum, count] = [0, 0];
    part.losses.forEach((l, k) => {
      const inside =
        (reducer.low === undefined || l > reducer.low) && (reducer.high === undefined || l < reducer.high);
      const keep = inside ? (part.weights?.[k] ?? 1) : 0;
      sum += l * keep;
      count += keep;
    });
    return total + sum / Math.max(count, 1);
  }, 0);
}

describe('filter reducers (mean, avgNonZero, threshold) = loops, gradients w.r.t. the losses', () => {
  const random = seededRandom(17);
  // Values on a 0.1-grid offset by 0.05, thresholds on the grid: finite differences never cross them.
  const grid = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10) / 10 + 0.05 - 0.3);
  const pos = grid(12);
  const neg = grid(12);
  const weights = Array.from({ length: 12 }, () => Math.floor(random() * 3));
  const element = grid(4);
  for (const reducer of [meanReducer(), avgNonZeroReducer(), thresholdReducer({ low: 0.1, high: 0.5 })]) {
    it(reducer.name, () => {
      const parts = (p: tf.Tensor, n: tf.Tensor, e: tf.Tensor) => [
        { losses: tf.reshape(p, [3, 4]), weights: tf.tensor(weights, [3, 4]), kind: 'pos-pair' as const },
        { losses: tf.reshape(n, [3, 4]), kind: 'neg-pair' as const },
        { losses: e, kind: 'element' as const },
        { losses: tf.scalar(0.25), kind: 'reduced' as const },
      ];
      const expected = (p: number[], n: number[], e: number[]) =>
        reduceLoops(reducer, [
          { losses: p, weights },
          { losses: n },
          { losses: e },
          { losses: [0.25], reduced: true },
        ]);
      const f = (p: tf.Tensor, n: tf.Tensor, e: tf.Tensor) => reducer.reduce(parts(p, n, e));
      expectClose(f(tf.tensor(pos), tf.tensor(neg), tf.tensor(element)), expected(pos, neg, element));
      gradCheck({
        fn: f,
        reference: (p, n, e) => expected(p as number[], n as number[], e as number[]),
        at: [pos, neg, element],
        epsilon: 1e-3,
      });
      const inputs = [tf.tensor(pos), tf.tensor(neg), tf.tensor(element)] as const;
      expectNoLeak(() => tf.grads(f)([...inputs]));
      tf.dispose([...inputs]);
    });
  }
});
