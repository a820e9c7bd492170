import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from '@xent/core';

/** Options of {@link pairSoftplusSum}. */
export interface PairSoftplusOptions {
  readonly scale: number;
  /** Most pair terms held at once (one block of positives × all negatives). */
  readonly blockElements: number;
  /** Whether pairs count only within one segment (false: every positive meets every negative). */
  readonly segmented: boolean;
}

/** Positive scores, negative scores, their weights and their segments. */
type BlockTensors = [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];

// Positives [start, start + size) against all negatives: the pair logits scale·(sₙ − sₚ) `[b, M]`,
// a pointwise function of them (masked to same-segment pairs), and the positives' weights `[b]`.
function pairBlock(
  tensors: BlockTensors,
  start: number,
  size: number,
  options: PairSoftplusOptions,
  pointwise: (logits: tf.Tensor) => tf.Tensor,
) {
  const [p, n, wp, , sp, sn] = tensors;
  const logits = tf.mul(
    tf.sub(tf.expandDims(n, 0), tf.expandDims(tf.slice(p, start, size), 1)),
    options.scale,
  );
  let terms = pointwise(logits);
  if (options.segmented) {
    const sameSegment = tf.equal(tf.expandDims(tf.slice(sp, start, size), 1), tf.expandDims(sn, 0));
    terms = tf.where(sameSegment, terms, tf.zerosLike(terms));
  }
  return { terms, weights: tf.slice(wp, start, size) };
}

/**
 * Σₚ Σₙ wₚ·wₙ·[segₚ = segₙ]·softplus(scale·(sₙ − sₚ)) over every positive–negative pair, where
 * sₚ = scores[posIndex[p]] and sₙ = scores[negIndex[n]], computed in blocks of positives so no
 * `[K, M]` tensor larger than `blockElements` exists, forward or backward. The backward pass
 * recomputes each block:
 *
 *   ∂/∂sₚ = −scale·wₚ·Σₙ wₙ·σ(scale·(sₙ − sₚ)),   ∂/∂sₙ = scale·wₙ·Σₚ wₚ·σ(scale·(sₙ − sₚ))
 *
 * (the sums over pairs are matrix–vector products). `scores` is `[T]`; `posIndex` (int32),
 * `posWeight`, `posSegment` are `[K]`; `negIndex`, `negWeight`, `negSegment` are `[M]` (segments are
 * float ids). The gradient is scattered back to `scores` (tfjs's own gather gradient needs a kernel
 * tfjs-wasm lacks); weights, segments and indices get zero gradients.
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
  const total = scores.shape[0]!;
  const op = customGradient<[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]>(
    (inputs, save) => {
      const [flat, pi, ni, wp, wn, sp, sn] = inputs;
      const p = tf.gather(flat, pi);
      const n = tf.gather(flat, ni);
      const k = p.shape[0]!;
      const m = n.shape[0]!;
      const rows = Math.max(1, Math.floor(options.blockElements / Math.max(m, 1)));
      const negColumn = tf.reshape(wn, [m, 1]);
      let value: tf.Tensor = tf.scalar(0);
      for (let start = 0; start < k; start += rows) {
        const next = tf.tidy(() => {
          const block = pairBlock(
            [p, n, wp, wn, sp, sn],
            start,
            Math.min(rows, k - start),
            options,
            tf.softplus,
          );
          const perPositive = tf.reshape(tf.matMul(block.terms, negColumn), [-1]);
          return tf.add(value, tf.sum(tf.mul(perPositive, block.weights)));
        });
        value.dispose();
        value = next;
      }
      negColumn.dispose();
      // Saved tensors are clones kept for the backward pass (the originals may be gone by then).
      save([p, n, wp, wn, sp, sn, pi, ni]);
      return {
        value,
        gradFunc: (dy, saved) => {
          const parts = saved.slice(0, 6) as BlockTensors;
          const [savedPi, savedNi] = saved.slice(6) as [tf.Tensor, tf.Tensor];
          const savedWn = parts[3];
          const negWeights = tf.reshape(savedWn, [m, 1]);
          const coefficient = tf.mul(dy, options.scale);
          const posGrads: tf.Tensor[] = [];
          let negSum = tf.zeros([1, m]);
          for (let start = 0; start < k; start += rows) {
            const [gp, gn] = tf.tidy(() => {
              const block = pairBlock(parts, start, Math.min(rows, k - start), options, tf.sigmoid);
              const perPositive = tf.reshape(tf.matMul(block.terms, negWeights), [-1]);
              const gradPos = tf.neg(tf.mul(tf.mul(perPositive, block.weights), coefficient));
              const perNegative = tf.matMul(tf.reshape(block.weights, [1, -1]), block.terms);
              return [gradPos, tf.add(negSum, perNegative)];
            }) as [tf.Tensor, tf.Tensor];
            negSum.dispose();
            negSum = gn;
            posGrads.push(gp);
          }
          const posGrad = posGrads.length === 0 ? tf.zeros([0]) : tf.concat(posGrads);
          const negGrad = tf.mul(tf.mul(tf.reshape(negSum, [m]), savedWn), coefficient);
          const grad = tf.add(
            tf.scatterND(tf.expandDims(savedPi, 1), posGrad, [total]),
            tf.scatterND(tf.expandDims(savedNi, 1), negGrad, [total]),
          );
          tf.dispose([...posGrads, posGrad, negSum, negGrad, negWeights, coefficient]);
          const zeros = [savedPi, savedNi, ...parts.slice(2)].map((t) => tf.zerosLike(t));
          return [grad, ...zeros];
        },
      };
    },
  );
  return op(scores, posIndex, negIndex, posWeight, negWeight, posSegment, negSegment);
}
