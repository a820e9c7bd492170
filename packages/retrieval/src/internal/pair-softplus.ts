import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from '@xent/core';

/** Options of {@link pairSoftplusSum}. */
export interface PairSoftplusOptions {
  readonly scale: number;
  /** Most pair terms held at once (one block of positives × all negatives). */
  readonly blockElements: number;
}

/** Positive scores, negative scores, their weights and their segments. */
type BlockTensors = [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];

// Positives [start, start + size) against all negatives: pair logits scale·(sₙ − sₚ) and pair weights.
function pairBlock(tensors: BlockTensors, start: number, size: number, scale: number) {
  const [p, n, wp, wn, sp, sn] = tensors;
  const logits = tf.mul(tf.sub(tf.expandDims(n, 0), tf.expandDims(tf.slice(p, start, size), 1)), scale);
  const sameSegment = tf.cast(
    tf.equal(tf.expandDims(tf.slice(sp, start, size), 1), tf.expandDims(sn, 0)),
    'float32',
  );
  const weights = tf.mul(
    tf.mul(tf.expandDims(tf.slice(wp, start, size), 1), tf.expandDims(wn, 0)),
    sameSegment,
  );
  return { logits, weights };
}

/**
 * Σₚ Σₙ wₚ·wₙ·[segₚ = segₙ]·softplus(scale·(sₙ − sₚ)) over every positive–negative pair, where
 * sₚ = scores[posIndex[p]] and sₙ = scores[negIndex[n]], computed in
 * blocks of positives so no `[K, M]` tensor larger than `blockElements` exists, forward or backward.
 * The gradient is recomputed block by block:
 *
 *   ∂/∂sₚ = −scale·Σₙ wₚwₙ·σ(scale·(sₙ − sₚ)),   ∂/∂sₙ = scale·Σₚ wₚwₙ·σ(scale·(sₙ − sₚ))
 *
 * `scores` is `[T]`; `posIndex` (int32), `posWeight`, `posSegment` are `[K]`; `negIndex`, `negWeight`,
 * `negSegment` are `[M]` (segments are float ids; pairs only count within one segment). The gradient
 * is scattered back to `scores` (tfjs's own gather gradient needs a kernel tfjs-wasm lacks).
 */
export function pairSoftplusSum(
  scores: tf.Tensor,
  posIndex: tf.Tensor,
  negIndex: tf.Tensor,
  posWeight: tf.Tensor,
  negWeight: tf.Tensor,
  posSegment: tf.Tensor,
  negSegment: tf.Tensor,
  options: PairSoftplusOptions,
): tf.Tensor {
  const { scale } = options;
  const total = scores.shape[0]!;
  const op = customGradient<[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]>(
    (inputs, save) => {
      const [flat, pi, ni, wp, wn, sp, sn] = inputs;
      const p = tf.gather(flat, pi);
      const n = tf.gather(flat, ni);
      const k = p.shape[0]!;
      const m = n.shape[0]!;
      const rows = Math.max(1, Math.floor(options.blockElements / Math.max(m, 1)));
      let value: tf.Tensor = tf.scalar(0);
      for (let start = 0; start < k; start += rows) {
        const next = tf.tidy(() => {
          const { logits, weights } = pairBlock(
            [p, n, wp, wn, sp, sn],
            start,
            Math.min(rows, k - start),
            scale,
          );
          return tf.add(value, tf.sum(tf.mul(tf.softplus(logits), weights)));
        });
        value.dispose();
        value = next;
      }
      // Saved tensors are clones kept for the backward pass (the originals may be gone by then).
      save([p, n, wp, wn, sp, sn, pi, ni]);
      return {
        value,
        gradFunc: (dy, saved) => {
          const parts = saved.slice(0, 6) as BlockTensors;
          const [savedPi, savedNi] = saved.slice(6) as [tf.Tensor, tf.Tensor];
          const posGrads: tf.Tensor[] = [];
          let negGrad = tf.zeros([m]);
          for (let start = 0; start < k; start += rows) {
            const [gp, gn] = tf.tidy(() => {
              const { logits, weights } = pairBlock(parts, start, Math.min(rows, k - start), scale);
              const terms = tf.mul(tf.mul(tf.sigmoid(logits), weights), tf.mul(dy, scale));
              return [tf.neg(tf.sum(terms, 1)), tf.add(negGrad, tf.sum(terms, 0))];
            }) as [tf.Tensor, tf.Tensor];
            negGrad.dispose();
            negGrad = gn;
            posGrads.push(gp);
          }
          const posGrad = posGrads.length === 0 ? tf.zeros([0]) : tf.concat(posGrads);
          tf.dispose(posGrads);
          const grad = tf.add(
            tf.scatterND(tf.expandDims(savedPi, 1), posGrad, [total]),
            tf.scatterND(tf.expandDims(savedNi, 1), negGrad, [total]),
          );
          tf.dispose([posGrad, negGrad]);
          const zeros = [savedPi, savedNi, ...parts.slice(2)].map((t) => tf.zerosLike(t));
          return [grad, ...zeros];
        },
      };
    },
  );
  return op(scores, posIndex, negIndex, posWeight, negWeight, posSegment, negSegment);
}
