import * as tf from '@tensorflow/tfjs-core';
import { detached, l2Normalize, logSumExp, type OptionSpec } from '@xent/core';

/** The inputs shared by the scored-pair losses (CoSENT, AnglE, CosineSimilarity). */
export const scoredPairInputs = [
  { name: 'emb1', dtype: 'float32', shape: ['N', 'D'], description: 'first embedding of each pair' },
  { name: 'emb2', dtype: 'float32', shape: ['N', 'D'], description: 'second embedding of each pair' },
  {
    name: 'scores',
    dtype: 'float32',
    shape: ['N'],
    description: 'gold similarity score of each pair (only their order matters for CoSENT/AnglE)',
  },
] as const;

/** Options of CoSENT and AnglE. */
export interface RankConsistencyOptions {
  /** Multiplier of the similarities, 1/τ (sentence-transformers' default). @defaultValue 20 */
  readonly scale?: number;
  /** Finiteness checks of the inputs. @defaultValue true */
  readonly validate?: boolean;
}

/** Option metadata of {@link RankConsistencyOptions}. */
export const rankConsistencyOptions = {
  scale: { type: 'number', min: 0, exclusiveMin: true, description: 'inverse temperature 1/τ' },
} as const satisfies Record<string, OptionSpec>;

/** Row-wise cosine similarity `[N]` of `a` and `b` `[N, D]` (rows L2-normalised first). */
export function pairwiseCosine(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(l2Normalize(a), l2Normalize(b)), -1);
}

/**
 * AnglE's row-wise angle similarity `[N]`: each row is read as a complex vector (first half real,
 * second half imaginary; an odd D is padded with a zero), and
 *
 *   s = |Σₖ Re(zₖ) + Im(zₖ)|,  zₖ = xₖ·conj(yₖ) / (‖x‖‖y‖)
 *
 * which is sentence-transformers' `pairwise_angle_sim` (x/y divided elementwise, rescaled by the norms).
 */
export function pairwiseAngle(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const d = a.shape[1]!;
  const padded = (x: tf.Tensor) =>
    d % 2 === 0
      ? x
      : tf.pad(x, [
          [0, 0],
          [0, 1],
        ]);
  const x = padded(a);
  const y = padded(b);
  const half = x.shape[1]! / 2;
  const [re1, im1] = tf.split(x, [half, half], 1) as [tf.Tensor, tf.Tensor];
  const [re2, im2] = tf.split(y, [half, half], 1) as [tf.Tensor, tf.Tensor];
  // Re(x·conj(y)) + Im(x·conj(y)) = (ac + bd) + (bc − ad)
  const terms = tf.add(
    tf.add(tf.mul(re1, re2), tf.mul(im1, im2)),
    tf.sub(tf.mul(im1, re2), tf.mul(re1, im2)),
  );
  const norms = tf.mul(
    tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1), 1e-24)),
    tf.sqrt(tf.maximum(tf.sum(tf.square(y), -1), 1e-24)),
  );
  return tf.abs(tf.div(tf.sum(terms, -1), norms));
}

/**
 * CoSENT's rank-consistency term on pair similarities `[N]` and gold scores `[N]`:
 *
 *   ℓ = log(1 + Σ_{(i,j): yᵢ < yⱼ} exp(scale·(sᵢ − sⱼ)))
 *
 * The order mask is a constant (no gradient flows to the gold scores). No ordered pair gives 0,
 * still connected to the graph.
 */
export function rankConsistency(similarities: tf.Tensor, scores: tf.Tensor, scale: number): tf.Tensor {
  const n = similarities.shape[0]!;
  const logits = tf.mul(tf.sub(tf.expandDims(similarities, 1), tf.expandDims(similarities, 0)), scale);
  const ordered = detached(
    (y) => tf.cast(tf.less(tf.expandDims(y, 1), tf.expandDims(y, 0)), 'float32'),
    scores,
  );
  // A leading 0 logit (always selected) is the "1 +".
  const flat = tf.concat([tf.zeros([1]), tf.reshape(logits, [n * n])]);
  const mask = tf.concat([tf.ones([1]), tf.reshape(ordered, [n * n])]);
  return logSumExp(flat, { mask });
}
