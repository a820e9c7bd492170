import * as tf from '@tensorflow/tfjs-core';
import {
  customGradient,
  defineLoss,
  FLOAT32_MAX,
  type IgnoreIndexOptions,
  isClassIds,
  labelPositions,
  type ReductionOptions,
  saturateFloat32,
  scaledSquareSum,
  XentError,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { trueClassLoss } from './internal/true-class.js';

/**
 * (1/k)·Σ_{j≠y} z_j² per row for int32 ids, computed without overflow (core's `scaledSquareSum` on the
 * logits with the label entry zeroed), with the closed-form gradient 2·dy·z_j/k off the label (0 at
 * the label), clipped to float32 — no one-hot.
 */
function wrongClassMeanSquare(k: number) {
  return customGradient<[tf.Tensor, tf.Tensor]>(([z, ids], save) => {
    // z − scatter(z_y): z with the label entry exactly 0 (tfjs's cpu `tensorScatterUpdate` writes into
    // its input's buffer, so it must not be applied to the caller's logits).
    const wrong = tf.tidy(() => {
      const where = labelPositions(ids);
      return tf.sub(z, tf.scatterND(where, tf.gatherND(z, where), z.shape));
    });
    save([wrong, ids]);
    return {
      value: scaledSquareSum(wrong, 1 / k),
      gradFunc: (dy, [saved, labels]) =>
        tf.tidy(() => [
          tf.clipByValue(tf.mul(saved!, tf.expandDims(tf.mul(dy, 2 / k), 1)), -FLOAT32_MAX, FLOAT32_MAX),
          tf.zerosLike(labels!),
        ]),
    };
  });
}

/** Options for {@link squentropyLoss}. */
export interface SquentropyLossOptions extends ReductionOptions, IgnoreIndexOptions {}

/**
 * Squentropy (Hui, Belkin & Wright, ICML 2023): cross-entropy plus the average square loss of the
 * raw logits over the incorrect classes:
 *
 *   ℓ = −log softmax(z)_y + (1/(C − 1))·Σ_{j≠y} z_j²
 *
 * No hyperparameters. Float targets give −Σ_c t_c log p_c + (1/(C − 1))·Σ_j (1 − t_j)·z_j². Needs C ≥ 2.
 *
 * Extreme logits: the mean square is computed as Σ_j (z_j/(C − 1))·z_j, so the loss is finite and
 * correct for every finite float32 input whose true loss is representable (logits beyond ≈ 1.8e19,
 * where z² alone overflows, included). Where the true loss itself exceeds float32 (≈ 3.4e38), the
 * value saturates at the largest float32 (never +Infinity) and the gradient stays the finite
 * closed form ∂ℓ/∂z_j = softmax(z)_j − 1[j = y] + 2·z_j/(C − 1) (clipped to float32).
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).
 * @param labels int32 class ids `[N]` or float32 targets `[N, C]` in [0, 1].
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2302.03952
 * @example const loss = squentropyLoss(logits, labels);
 */
export const squentropyLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  SquentropyLossOptions,
  Record<never, never>
>({
  id: 'xent/squentropy',
  name: 'squentropyLoss',
  family: 'classification',
  summary: 'Cross-entropy plus the mean squared logit over the wrong classes.',
  reference: {
    title: 'Cut your Losses with Squentropy',
    url: 'https://arxiv.org/abs/2302.03952',
    year: 2023,
    authors: 'Hui, Belkin, Wright',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: {},
  check: (_inputs, _options, { fn, numClasses }) => {
    if (numClasses! < 2) {
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument: 'logits',
        expected: 'at least 2 classes',
        received: `C = ${numClasses}`,
      });
    }
  },
  perExample: ({ logits, labels }, _options, { numClasses }) => {
    const k = numClasses! - 1;
    const ce = trueClassLoss(logits, labels, (nll) => nll);
    const wrong = isClassIds(labels)
      ? wrongClassMeanSquare(k)(logits, labels)
      : scaledSquareSum(logits, 1 / k, tf.sub(1, labels));
    return saturateFloat32(tf.add(ce, wrong));
  },
});
