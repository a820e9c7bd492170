import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  describeTensor,
  dotProduct,
  invalidOption,
  l2Normalize,
  logSumExp,
  type ReductionOptions,
  XentError,
} from '@xent/core';
import { type ScalarInput, scalarOption } from './internal/options.js';

/** Options for {@link ge2eLoss}. */
export interface Ge2eLossOptions extends ReductionOptions {
  /** Scale w > 0 of the cosine similarities (a scalar tensor makes it learnable; keep it positive, e.g. softplus). @defaultValue 10 */
  readonly w?: ScalarInput;
  /** Bias b (a scalar tensor makes it learnable). @defaultValue -5 */
  readonly b?: ScalarInput;
  /** `'softmax'` or `'contrast'`. @defaultValue 'softmax' */
  readonly variant?: 'softmax' | 'contrast';
}

const inputs = [
  {
    name: 'embeddings',
    dtype: 'float32',
    shape: ['S', 'M', 'D'],
    description: 'S speakers (classes) × M utterances each',
  },
] as const;

/**
 * Generalised end-to-end loss (Wan et al., ICASSP 2018): each embedding against every class centroid,
 * its own centroid computed without it.
 *
 *   Sⱼᵢ,ₖ = w·cos(eⱼᵢ, cₖ) + b,  Sⱼᵢ,ⱼ = w·cos(eⱼᵢ, cⱼ⁽⁻ⁱ⁾) + b,  cⱼ⁽⁻ⁱ⁾ = (1/(M−1)) Σ_{m≠i} eⱼₘ
 *   softmax:  L(eⱼᵢ) = −Sⱼᵢ,ⱼ + log Σₖ exp(Sⱼᵢ,ₖ)
 *   contrast: L(eⱼᵢ) = 1 − σ(Sⱼᵢ,ⱼ) + max_{k≠j} σ(Sⱼᵢ,ₖ)
 *
 * Embeddings are L2-normalised first. Per-example values are per speaker: the mean over its M
 * utterances (the paper's total Σⱼᵢ L is M × the `'sum'` reduction).
 *
 * @param embeddings float32 `[S, M, D]` with S ≥ 2, M ≥ 2.
 * @returns `[S]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/1710.10467
 * @example const loss = ge2eLoss(tf.reshape(emb, [speakers, utterances, dim]));
 */
export const ge2eLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  Ge2eLossOptions,
  { w: number; b: number; variant: 'softmax' }
>({
  id: 'xent/ge2e',
  name: 'ge2eLoss',
  family: 'retrieval',
  summary: 'GE2E: scaled cosine to every class centroid (own centroid leave-one-out), softmax or contrast.',
  reference: {
    title: 'Generalized End-to-End Loss for Speaker Verification',
    url: 'https://arxiv.org/abs/1710.10467',
    year: 2018,
  },
  inputs,
  defaults: { w: 10, b: -5, variant: 'softmax' },
  options: {
    w: { type: 'other', description: 'similarity scale w > 0 (number or scalar tensor)' },
    b: { type: 'other', description: 'similarity bias b (number or scalar tensor)' },
    variant: { type: 'enum', values: ['softmax', 'contrast'], description: 'softmax or contrast GE2E' },
  },
  check: ({ embeddings }, { w }, context) => {
    const [s, m] = embeddings.shape as [number, number, number];
    if (s < 2 || m < 2) {
      throw new XentError('SHAPE_MISMATCH', {
        fn: context.fn,
        argument: 'embeddings',
        expected: 'float32 [S, M, D] with S ≥ 2 speakers and M ≥ 2 utterances each',
        received: describeTensor(embeddings),
      });
    }
    if (typeof w === 'number' && !(w > 0)) invalidOption(context.fn, 'w', 'a number > 0', w);
  },
  perExample: ({ embeddings }, { w, b, variant }, context) => {
    const [s, m, d] = embeddings.shape as [number, number, number];
    const scale = scalarOption(context.fn, 'w', w);
    const bias = scalarOption(context.fn, 'b', b);
    const e = l2Normalize(embeddings);
    const sum = tf.sum(e, 1, true);
    const centroids = l2Normalize(tf.div(tf.squeeze(sum, [1]), m));
    const all = tf.reshape(dotProduct(tf.reshape(e, [s * m, d]), centroids), [s, m, s]);
    const exclusive = l2Normalize(tf.div(tf.sub(sum, e), m - 1));
    const own = tf.sum(tf.mul(e, exclusive), -1, true);
    const ownMask = tf.reshape(tf.eye(s), [s, 1, s]);
    const cos = tf.add(tf.mul(all, tf.sub(1, ownMask)), tf.mul(own, ownMask));
    const logits = tf.add(tf.mul(cos, scale), bias);
    const ownLogit = tf.squeeze(tf.add(tf.mul(own, scale), bias), [2]);
    let perUtterance: tf.Tensor;
    if (variant === 'softmax') {
      perUtterance = tf.sub(logSumExp(logits, { axis: -1 }), ownLogit);
    } else {
      const others = tf.max(tf.add(tf.sigmoid(logits), tf.mul(ownMask, -2)), -1);
      perUtterance = tf.add(tf.sub(1, tf.sigmoid(ownLogit)), others);
    }
    return tf.mean(perUtterance, 1);
  },
});
