import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, logSumExp, type ReductionOptions, type TensorInput } from '@xent/core';
import { listMask, listMaskOption, rerankInputs } from './internal/rerank.js';

/** Options for {@link listNetLoss}. */
export interface ListNetLossOptions extends ReductionOptions {
  /** 0/1 `[N, K]`: 1 for real documents of a ragged list. @defaultValue all real */
  readonly mask?: TensorInput;
}

/**
 * ListNet (Cao et al. 2007), top-one form as sentence-transformers' cross-encoder `ListNetLoss`:
 * cross-entropy between the softmax of the labels and the softmax of the scores, over each list's
 * real documents:
 *
 *   ℓₙ = −Σₖ softmax(yₙ)ₖ · log softmax(sₙ)ₖ
 *
 * The gradient also reaches the labels (through the target softmax); pass constants. Degenerate inputs: one document gives 0; equal labels make
 * the target uniform; a list with no real document gives 0.
 *
 * @param logits float32 `[N, K]`.  @param labels float32 `[N, K]` graded relevance.
 * @returns `[N]` with `reduction: 'none'`, else a scalar (`'mean'` is ST's value).
 * @see https://doi.org/10.1145/1273496.1273513
 * @example const loss = listNetLoss(scores, [[2, 0, 1]]);
 */
export const listNetLoss = /* @__PURE__ */ defineLoss<
  typeof rerankInputs,
  ListNetLossOptions,
  Record<never, never>
>({
  id: 'xent/list-net',
  name: 'listNetLoss',
  family: 'retrieval',
  summary: 'ListNet: cross-entropy between the softmax of the labels and the softmax of the scores.',
  reference: {
    title: 'Learning to Rank: From Pairwise Approach to Listwise Approach',
    url: 'https://doi.org/10.1145/1273496.1273513',
    year: 2007,
  },
  inputs: rerankInputs,
  defaults: {},
  options: { mask: listMaskOption },
  perExample: ({ logits, labels }, { mask }, context) => {
    const keep = listMask(context.fn, mask, logits, context.validate);
    const kept = tf.greater(keep, 0);
    // Masked log-softmax; a list with no real document has lse = −∞, replaced so nothing is NaN.
    const logSoftmax = (x: tf.Tensor) => {
      const lse = logSumExp(x, { mask: keep, keepDims: true });
      const safe = tf.where(tf.isFinite(lse), lse, tf.zerosLike(lse));
      return tf.where(kept, tf.sub(x, safe), tf.zerosLike(x));
    };
    const target = tf.where(kept, tf.exp(logSoftmax(labels)), tf.zerosLike(labels));
    const logProbabilities = logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(target, logProbabilities), -1));
  },
});
