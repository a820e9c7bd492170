import * as tf from '@tensorflow/tfjs';
import { withDevicePaths } from '@xent/core';
import { expectClose, expectNoLeak, expectXentError, gradCheck, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  circleLoss,
  contrastiveLoss,
  lpDistance,
  multiSimilarityLoss,
  sharePairwise,
  tcmLoss,
  tripletMarginLoss,
} from '../src/index.js';
import { relu } from './reference.js';

type M = number[][];
/** BatchMatMul kernels run by `f` (its result disposed). */
async function matmuls(f: () => tf.Tensor): Promise<number> {
  const info = await tf.profile(f);
  tf.dispose(info.result);
  return info.kernels.filter((k) => k.name === 'BatchMatMul').length;
}
const cosine = (a: number[], b: number[]) =>
  a.reduce((s, v, k) => s + v * b[k]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
const labels = [0, 0, 1, 1, 2, 2, 0, 1];
const x = randomNormal([8, 5], 120) as M;
const ref = randomNormal([6, 5], 121) as M;
const refLabels = [0, 1, 2, 0, 1, 3];

/** Sum of two losses, computed plainly and inside `sharePairwise`. */
const pairs: [string, (e: tf.Tensor) => tf.Tensor][] = [
  ['multi-similarity + TCM (cosine)', (e) => tf.add(multiSimilarityLoss(e, labels), tcmLoss(e, labels))],
  [
    'multi-similarity (no mining) + TCM against a reference set',
    (e) =>
      tf.add(
        multiSimilarityLoss(e, labels, { mining: false, refEmbeddings: ref, refLabels }),
        tcmLoss(e, labels, { refEmbeddings: ref, refLabels }),
      ),
  ],
  [
    'contrastive + triplet (lpDistance)',
    (e) => tf.add(contrastiveLoss(e, labels), tripletMarginLoss(e, labels)),
  ],
  [
    'contrastive (squared L2) + contrastive (L2): different distances are not merged',
    (e) =>
      tf.add(contrastiveLoss(e, labels, { distance: lpDistance({ power: 2 }) }), contrastiveLoss(e, labels)),
  ],
  [
    'contrastive (unnormalised L2) + contrastive (L2): normalisation is part of the key',
    (e) =>
      tf.add(
        contrastiveLoss(e, labels, { distance: lpDistance({ normalizeEmbeddings: false }), negMargin: 3 }),
        contrastiveLoss(e, labels),
      ),
  ],
  [
    'circle + TCM, three uses',
    (e) => tf.addN([circleLoss(e, labels), tcmLoss(e, labels), tcmLoss(e, labels)]),
  ],
];

// TCM with its defaults from the paper's formula (cosine, λ± = 1, m⁺ = 0.9, m⁻ = 0.5), float64 loops.
function tcmLoops(e: M, y: number[]): number {
  let [ps, pc, ns, nc] = [0, 0, 0, 0];
  e.forEach((a, i) => {
    e.forEach((b, j) => {
      if (i === j) return;
      const s = cosine(a, b);
      if (y[i] === y[j] && s <= 0.9) [ps, pc] = [ps + 0.9 - s, pc + 1];
      if (y[i] !== y[j] && s >= 0.5) [ns, nc] = [ns + s - 0.5, nc + 1];
    });
  });
  return ps / Math.max(pc, 1) + ns / Math.max(nc, 1);
}

describeBackends(['cpu', 'wasm'], () => {
  describe('sharePairwise: one pairwise matrix for several losses, same values and gradients', () => {
    for (const [name, f] of pairs) {
      it(name, () => {
        const e = tf.tensor(x);
        const plain = tf.valueAndGrad((t: tf.Tensor) => f(t) as tf.Scalar)(e);
        const shared = tf.valueAndGrad((t: tf.Tensor) => sharePairwise(() => f(t)) as tf.Scalar)(e);
        expectClose(shared.value, plain.value, { atol: 1e-6, rtol: 1e-5 });
        expectClose(shared.grad, plain.grad, { atol: 1e-6, rtol: 1e-5 });
        // The device formulations (webgl/webgpu) share the matrix the same way.
        const device = withDevicePaths(() =>
          tf.valueAndGrad((t: tf.Tensor) => sharePairwise(() => f(t)) as tf.Scalar)(e),
        );
        expectClose(device.value, plain.value, { atol: 1e-5, rtol: 1e-4 });
        expectClose(device.grad, plain.grad, { atol: 1e-5, rtol: 1e-4 });
        expectNoLeak(() => tf.grad((t: tf.Tensor) => sharePairwise(() => f(t)) as tf.Scalar)(e));
        tf.dispose([e, plain.value, plain.grad, shared.value, shared.grad, device.value, device.grad]);
      });
    }

    it('gradCheck of TCM counted twice through one shared matrix, against float64 loops', () => {
      gradCheck({
        fn: (t) => sharePairwise(() => tf.add(tcmLoss(t, labels), tf.mul(tcmLoss(t, labels), 2))),
        reference: (e) => 3 * tcmLoops(e as M, labels),
        at: [x],
        epsilon: 1e-4,
      });
    });

    it('computes the cosine matrix once (one forward and one backward matmul instead of four)', async () => {
      const e = tf.tensor(x);
      const both = (t: tf.Tensor) => tf.add(multiSimilarityLoss(t, labels), tcmLoss(t, labels)) as tf.Scalar;
      const plain = await matmuls(() => tf.grad(both)(e));
      const shared = await matmuls(() => tf.grad((t: tf.Tensor) => sharePairwise(() => both(t)))(e));
      expect(shared).toBe(plain / 2);
      e.dispose();
    });

    it('a tf.grad started inside the scope computes its own matrix (the tape differs), and matrices are freed', () => {
      const e = tf.tensor(x);
      const before = tf.memory().numTensors;
      const [outside, g1, g2] = sharePairwise(() => {
        const value = tcmLoss(e, labels); // no tape
        const first = tf.grad((t: tf.Tensor) => tcmLoss(t, labels))(e);
        const second = tf.grad((t: tf.Tensor) => tf.add(tcmLoss(t, labels), tcmLoss(e, labels)))(e);
        return [value, first, second];
      });
      expect(tf.memory().numTensors - before).toBe(3);
      // `tcmLoss(e, labels)` inside the second grad is a use of the same tensor through the same tape.
      expectClose(g2, tf.mul(g1, 2), { atol: 1e-6 });
      expect(Array.from(g1.dataSync()).some((v) => v !== 0)).toBe(true);
      expectClose(outside, tcmLoops(x, labels), { atol: 1e-5 });
      tf.dispose([e, outside, g1, g2]);
    });

    it('nested scopes share the outer one; a throw still frees the matrices', async () => {
      const e = tf.tensor(x);
      const before = tf.memory().numTensors;
      const both = (t: tf.Tensor) =>
        sharePairwise(() =>
          tf.add(
            multiSimilarityLoss(t, labels),
            sharePairwise(() => tcmLoss(t, labels)),
          ),
        );
      const value = tf.tidy(() => both(e));
      expect(tf.memory().numTensors - before).toBe(1);
      expect(await matmuls(() => tf.grad(both)(e))).toBe(2); // core's Gram matrix: one backward product
      expect(() =>
        tf.tidy(() =>
          sharePairwise(() => {
            tcmLoss(e, labels);
            throw new Error('inner');
          }),
        ),
      ).toThrow('inner');
      expect(tf.memory().numTensors - before).toBe(1);
      tf.dispose([e, value]);
    });

    it('contrastive + TCM in plain loops: the shared value is the sum of the formulas', () => {
      // contrastive with lpDistance (unit rows, d = ‖a − b‖), avgNonZero per part; TCM on cosines.
      const e = tf.tensor(x);
      const unit = x.map((r) => {
        const n = Math.hypot(...r);
        return r.map((v) => v / n);
      });
      let [ps, pc, ns, nc] = [0, 0, 0, 0];
      unit.forEach((a, i) => {
        unit.forEach((b, j) => {
          if (i === j) return;
          const d = Math.hypot(...a.map((v, k) => v - b[k]!));
          const l = labels[i] === labels[j] ? relu(d) : relu(1 - d);
          if (labels[i] === labels[j] && l > 0) [ps, pc] = [ps + l, pc + 1];
          if (labels[i] !== labels[j] && l > 0) [ns, nc] = [ns + l, nc + 1];
        });
      });
      const expected = ps / Math.max(pc, 1) + ns / Math.max(nc, 1) + tcmLoops(x, labels);
      const value = sharePairwise(() => tf.add(contrastiveLoss(e, labels), tcmLoss(e, labels)));
      expectClose(value, expected, { atol: 1e-5 });
      tf.dispose([e, value]);
    });

    it('bad input: not a function', () => {
      expectXentError(() => sharePairwise(42 as never), 'INVALID_OPTION', { argument: 'fn' });
    });
  });
});
