import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type IgnoreIndexOptions, type ReductionOptions, XentError } from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { atTargets, trueClassLoss } from './internal/true-class.js';

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
 * @param logits float32 `[N, C]`.
 * @param labels int32 class ids `[N]` or float32 targets `[N, C]` in [0, 1].
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2302.03952
 * @example const loss = squentropyLoss(logits, labels);
 */
export const squentropyLoss = defineLoss<ClassificationInputs, SquentropyLossOptions, Record<never, never>>({
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
    const squares = tf.square(logits);
    const wrong = tf.sub(
      tf.sum(squares, -1),
      atTargets(squares, labels, (x) => x),
    );
    return tf.add(
      trueClassLoss(logits, labels, (nll) => nll),
      tf.div(wrong, numClasses! - 1),
    );
  },
});
