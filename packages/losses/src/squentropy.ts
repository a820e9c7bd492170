import * as tf from '@tensorflow/tfjs-core';
import {
  customGradient,
  defineLoss,
  type IgnoreIndexOptions,
  isClassIds,
  labelPositions,
  type ReductionOptions,
  XentError,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { trueClassLoss } from './internal/true-class.js';

/**
 * Σ_{j≠y} z_j² per row for int32 ids, with the closed-form gradient 2·dy·z_j off the label
 * (0 at the label), scattered without a one-hot.
 */
const wrongClassSquares = /* @__PURE__ */ customGradient<[tf.Tensor, tf.Tensor]>(([z, ids], save) => {
  save([z, ids]);
  return {
    value: tf.tidy(() => tf.sub(tf.sum(tf.square(z), -1), tf.square(tf.gatherND(z, labelPositions(ids))))),
    gradFunc: (dy, [input, labels]) =>
      tf.tidy(() => {
        const grad = tf.mul(input!, tf.expandDims(tf.mul(dy, 2), 1));
        const where = labelPositions(labels!);
        return [tf.tensorScatterUpdate(grad, where, tf.zeros([labels!.shape[0]!])), tf.zerosLike(labels!)];
      }),
  };
});

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
    const ce = trueClassLoss(logits, labels, (nll) => nll);
    if (isClassIds(labels)) return tf.add(ce, tf.div(wrongClassSquares(logits, labels), numClasses! - 1));
    const wrong = tf.sum(tf.mul(tf.sub(1, labels), tf.square(logits)), -1);
    return tf.add(ce, tf.div(wrong, numClasses! - 1));
  },
});
