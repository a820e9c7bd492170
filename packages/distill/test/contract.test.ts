import * as tf from '@tensorflow/tfjs';
import { expectNoLeak, expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import { alignGradients, dkdLoss, kdLoss, standardizeLogits } from '../src/index.js';
import { createDualHeadClassifier } from '../src/layers.js';

const finite = (t: tf.Tensor) => Array.from(t.dataSync()).every(Number.isFinite);

describe('distill keeps the input contract (issue 13)', () => {
  it('dkdLoss stays finite (value and gradient) at large teacher gaps', () => {
    for (const gap of [400, 1e3, 1e4]) {
      const s = tf.tensor2d([[0.5, -0.2, 0.1]]);
      const t = tf.tensor2d([[gap, 0, -1]]);
      const y = tf.tensor1d([0], 'int32');
      expectNoLeak(() =>
        tf.tidy(() => {
          const value = dkdLoss(s, t, y);
          const g = tf.grad((x: tf.Tensor) => dkdLoss(x, t, y))(s);
          expect(finite(value) && finite(g), `gap ${gap}`).toBe(true);
        }),
      );
      // Also with the gap on a non-target class.
      const t2 = tf.tensor2d([[0, gap, -1]]);
      expect(finite(dkdLoss(s, t2, y)), `gap ${gap} (non-target)`).toBe(true);
      tf.dispose([s, t, y, t2]);
    }
  });

  it('standardizeLogits: C = 1 → SHAPE_MISMATCH; constant rows give zeros; bad input typed', () => {
    expectNoLeak(() =>
      expectXentError(() => standardizeLogits([[1], [2]]), 'SHAPE_MISMATCH', { argument: 'logits' }),
    );
    expectXentError(() => standardizeLogits([[1, 2], [3]] as never), 'SHAPE_MISMATCH');
    expectXentError(() => standardizeLogits(tf.tensor2d([[1, 2]], undefined, 'int32')), 'DTYPE_MISMATCH');
    const z = standardizeLogits([[2, 2, 2]]);
    expect(Array.from(z.dataSync())).toEqual([0, 0, 0]);
    z.dispose();
    expectXentError(() => kdLoss([[1], [2]], [[1], [2]], { logitStandardization: true }), 'INVALID_OPTION');
    expectXentError(
      () => dkdLoss([[1], [2]], [[1], [2]], [0, 0], { logitStandardization: true }),
      'SHAPE_MISMATCH',
    );
  });

  it('alignGradients: mismatched shapes and non-tensors → typed errors', () => {
    const a = { w: tf.ones([2]) };
    const b = { w: tf.ones([3]) };
    expectXentError(() => alignGradients(a, b), 'SHAPE_MISMATCH', { argument: 'secondary.w' });
    expectXentError(() => alignGradients(a, { w: 3 } as never), 'DTYPE_MISMATCH');
    expectXentError(() => alignGradients(a, null as never), 'INVALID_OPTION');
    tf.dispose([a.w, b.w]);
  });

  it('createDualHeadClassifier rejects unknown options with a "did you mean"', () => {
    expectXentError(
      () => createDualHeadClassifier({ numClasses: 3, inputDim: 4, auxHiden: 2 } as never),
      'INVALID_OPTION',
      {
        includes: ["did you mean 'auxHidden'?"],
      },
    );
    expectXentError(() => createDualHeadClassifier({ inputDim: 4 } as never), 'INVALID_OPTION', {
      argument: 'options.numClasses',
    });
  });
});
