import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, detached, gatherRowsSparse, invalidOption, topkOnDevice } from '@xent/core';
import { smoothDistance } from '../internal/few-shot-distance.js';
import { metricInputs } from '../internal/tuples.js';

/** Options of {@link icnnLoss}. */
export interface IcnnLossOptions {
  /** Neighbours k scored per point (shrunk to B − 2 on tiny batches, as in the author's code). @defaultValue 4 */
  readonly k?: number;
  /** Neighbours inspected for the nearest impostor. @defaultValue k + 1 */
  readonly ipc?: number;
  /** @defaultValue true */
  readonly validate?: boolean;
}

const FAR = 1e9;
const TINY = 1e-7;

/**
 * ICNN loss ("SuSana Distancia", Mendez-Ruiz et al. 2023): −log of the Intra-Class Nearest Neighbour
 * score of the batch, from the first author's code (`modified_score`). For each point, with its ipc
 * nearest neighbours (self dropped), distances d, same-class indicator s and δ the distance to the
 * nearest different-class neighbour among them:
 *
 *   nd = (d / (δ + 10⁻⁷)) / max(1, max nd)      over the first k neighbours
 *   λ_same = 1 − mean_{i: #s>0} Σ_j nd·s / #s,  λ_diff = | mean_{i: #s̄>0} Σ_j (d·s̄ / max(d·s̄)) / #s̄ + o |
 *   γ = mean_i #s/k,  score = ((λ_same + λ_diff)/2 + γ)/2,  L = −log score
 *
 * (o = −1 when no point has a different-class neighbour). Neighbour selection is a top-k (no gradient).
 *
 * @param embeddings float32 `[B, D]` (B ≥ 3).  @param labels int32 `[B]`.
 * @returns a scalar.
 * @see https://arxiv.org/abs/2305.09062
 * @example const loss = icnnLoss(supportEmbeddings, supportLabels, { k: 4 });
 */
export const icnnLoss = /* @__PURE__ */ defineLoss<typeof metricInputs, IcnnLossOptions, { k: number }>({
  id: 'xent/icnn',
  name: 'icnnLoss',
  family: 'metric',
  summary: 'Negative log of the intra-class nearest-neighbour score of the batch.',
  reference: {
    title:
      'SuSana Distancia is all you need: Enforcing class separability in metric learning via two novel distance-based loss functions for few-shot image classification',
    url: 'https://arxiv.org/abs/2305.09062',
    year: 2023,
  },
  inputs: metricInputs,
  defaults: { k: 4 },
  options: {
    k: { type: 'number', integer: true, min: 1, description: 'neighbours scored' },
    ipc: { type: 'number', integer: true, min: 1, description: 'neighbours inspected' },
  },
  check: ({ embeddings }, options, context) => {
    if (embeddings.shape[0]! < 3)
      invalidOption(context.fn, 'k', 'a batch of at least 3 embeddings', embeddings.shape[0]);
    if (options.ipc !== undefined && options.ipc < Math.min(options.k, embeddings.shape[0]! - 2))
      invalidOption(context.fn, 'ipc', 'ipc ≥ k', options.ipc);
  },
  batch: ({ embeddings, labels }, options) => {
    const size = embeddings.shape[0]!;
    const shrunk = options.k + 2 >= size;
    const k = shrunk ? size - 2 : options.k;
    const ipc = Math.min(options.ipc ?? k + 1, size - 1);
    const distances = smoothDistance(embeddings);
    // ipc + 1 nearest, dropping the first (the point itself).
    const nearest = detached(
      (dist) => tf.slice(topkOnDevice(tf.neg(dist), ipc + 1).indices, [0, 1], [size, ipc]),
      distances,
    );
    const offsets = tf.reshape(tf.mul(tf.range(0, size, 1, 'int32'), tf.scalar(size, 'int32')), [size, 1]);
    const d = tf.reshape(
      gatherRowsSparse(tf.reshape(distances, [-1]), tf.reshape(tf.add(nearest, offsets), [-1])),
      [size, ipc],
    );
    const same = detached(
      (y, nb) => tf.cast(tf.equal(tf.gather(y, nb), tf.reshape(y, [size, 1])), 'float32'),
      labels,
      nearest,
    );
    const diff = tf.sub(1, same);
    const impostor = tf.min(tf.add(d, tf.mul(same, FAR)), 1, true); // FAR when none: nd ≈ 0
    const firstK = (x: tf.Tensor) => tf.slice(x, [0, 0], [size, k]);
    const [dk, sameK, diffK] = [firstK(d), firstK(same), firstK(diff)];
    let nd = tf.div(dk, tf.add(impostor, TINY));
    nd = tf.div(nd, tf.maximum(tf.max(nd, 1, true), 1));
    const sameCount = tf.sum(sameK, 1);
    const diffCount = tf.sum(diffK, 1);
    const rowsWithSame = tf.sum(tf.step(sameCount));
    const rowsWithDiff = tf.sum(tf.step(diffCount));
    const lambdaSame = tf.sub(
      1,
      tf.div(
        tf.sum(tf.div(tf.sum(tf.mul(nd, sameK), 1), tf.add(sameCount, TINY))),
        tf.add(rowsWithSame, TINY),
      ),
    );
    const farImpostors = tf.mul(dk, diffK);
    const dn = tf.div(farImpostors, tf.add(tf.max(farImpostors), TINY));
    const offset = tf.sub(tf.step(tf.sum(diff)), 1); // −1 when no different-class neighbour anywhere
    const lambdaDiff = tf.abs(
      tf.add(
        tf.div(tf.sum(tf.div(tf.sum(dn, 1), tf.add(diffCount, TINY))), tf.add(rowsWithDiff, TINY)),
        offset,
      ),
    );
    const gamma = shrunk ? tf.scalar(1) : tf.div(tf.mean(sameCount), k);
    const score = tf.div(tf.add(tf.div(tf.add(lambdaSame, lambdaDiff), 2), gamma), 2);
    return tf.neg(tf.log(score));
  },
});
