import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from '@xent/core';

/** Options of {@link pairSoftplusSum}. */
export interface PairSoftplusOptions {
  readonly scale: number;
  /** Most pair terms held at once (one block of positives × all negatives). */
  readonly blockElements: number;
}

/**
 * Σₚ Σₙ wₚ·wₙ·[segₚ = segₙ]·softplus(scale·(sₙ − sₚ)) over every positive–negative pair, computed in
 * blocks of positives so no `[K, M]` tensor larger than `blockElements` exists, forward or backward.
 * The gradient is recomputed block by block:
 *
 *   ∂/∂sₚ = −scale·Σₙ wₚwₙ·σ(scale·(sₙ − sₚ)),   ∂/∂sₙ = scale·Σₚ wₚwₙ·σ(scale·(sₙ − sₚ))
 *
 * `pos`, `posWeight`, `posSegment` are `[K]`; `neg`, `negWeight`, `negSegment` are `[M]` (segments are
 * float ids; pairs only count within one segment). Weights and segments get zero gradients.
 */
export function pairSoftplusSum(
  pos: tf.Tensor,
  neg: tf.Tensor,
  posWeight: tf.Tensor,
  negWeight: tf.Tensor,
  posSegment: tf.Tensor,
  negSegment: tf.Tensor,
  options: PairSoftplusOptions,
): tf.Tensor {
  const { scale } = options;
  const op = customGradient<[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]>(
    (inputs, save) => {
      const [p, n, wp, wn, sp, sn] = inputs;
      const k = p.shape[0]!;
      const m = n.shape[0]!;
      const rows = Math.max(1, Math.floor(options.blockElements / Math.max(m, 1)));
      // One block of positives against all negatives: the pair logits and pair weights.
      const block = (start: number) => {
        const size = Math.min(rows, k - start);
        const pb = tf.slice(p, start, size);
        const logits = tf.mul(tf.sub(tf.expandDims(n, 0), tf.expandDims(pb, 1)), scale);
        const sameSegment = tf.cast(
          tf.equal(tf.expandDims(tf.slice(sp, start, size), 1), tf.expandDims(sn, 0)),
          'float32',
        );
        const weights = tf.mul(
          tf.mul(tf.expandDims(tf.slice(wp, start, size), 1), tf.expandDims(wn, 0)),
          sameSegment,
        );
        return { logits, weights };
      };
      let value: tf.Tensor = tf.scalar(0);
      for (let start = 0; start < k; start += rows) {
        const next = tf.tidy(() => {
          const { logits, weights } = block(start);
          return tf.add(value, tf.sum(tf.mul(tf.softplus(logits), weights)));
        });
        value.dispose();
        value = next;
      }
      save([p, n, wp, wn, sp, sn]);
      return {
        value,
        gradFunc: (dy) => {
          const posGrads: tf.Tensor[] = [];
          let negGrad = tf.zeros([m]);
          for (let start = 0; start < k; start += rows) {
            const [gp, gn] = tf.tidy(() => {
              const { logits, weights } = block(start);
              const terms = tf.mul(tf.mul(tf.sigmoid(logits), weights), tf.mul(dy, scale));
              return [tf.neg(tf.sum(terms, 1)), tf.add(negGrad, tf.sum(terms, 0))];
            }) as [tf.Tensor, tf.Tensor];
            negGrad.dispose();
            negGrad = gn;
            posGrads.push(gp);
          }
          const posGrad = posGrads.length === 0 ? tf.zeros([0]) : tf.concat(posGrads);
          tf.dispose(posGrads);
          return [posGrad, negGrad, tf.zerosLike(wp), tf.zerosLike(wn), tf.zerosLike(sp), tf.zerosLike(sn)];
        },
      };
    },
  );
  return op(pos, neg, posWeight, negWeight, posSegment, negSegment);
}
