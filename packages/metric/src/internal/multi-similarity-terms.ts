import * as tf from '@tensorflow/tfjs-core';
import { detached } from '@xent/core';
import { readAllIfPossible, withHostGradient } from './host-gradient.js';
import { logOnePlusSumExp } from './log-one-plus.js';

/** The multi-similarity formula's parameters, for {@link hostMultiSimilarity} and {@link deviceMultiSimilarity}. */
export interface MultiSimilarityTerms {
  readonly alpha: number;
  readonly beta: number;
  readonly base: number;
  readonly mining: boolean;
  readonly epsilon: number;
  /** True for a similarity matrix, false for a distance. */
  readonly isInverted: boolean;
}

/**
 * log(1 + Σ eˣ) over `x[0, length)`, stably given `top` = max(0, max x) (0 for no entry); adds
 * `sign`·eˣ/(1 + Σ eˣ), its derivative in each x times `sign`, to `grad[at[k]]`.
 */
function logOnePlusSumExpInto(
  x: Float64Array,
  at: Int32Array,
  length: number,
  top: number,
  grad: Float32Array,
  sign: number,
): number {
  let total = Math.exp(-top);
  for (let k = 0; k < length; k++) total += x[k] = Math.exp(x[k]! - top);
  const scale = sign / total;
  for (let k = 0; k < length; k++) grad[at[k]!]! += scale * x[k]!;
  return top + Math.log(total);
}

/**
 * The per-anchor multi-similarity losses `[B]` on the host, in one pass over the `[B, M]` matrix with
 * a closed-form gradient (the device formulation takes ~25 `[B, M]` ops forward and backward):
 *
 *   ℓᵢ = (1/α)·log(1 + Σ_{P̃ᵢ} e^{α·(λ − sᵢⱼ)}) + (1/β)·log(1 + Σ_{Ñᵢ} e^{β·(sᵢₖ − λ)})
 *
 * (for a distance d the exponents are α·(d − λ) and β·(λ − d)), P̃/Ñ the pairs kept by the ε-mining step
 * (when `mining`, with t = s or −d): negative k if tᵢₖ + ε > min_P tᵢⱼ, positive j if tᵢⱼ − ε < max_N tᵢₖ.
 * ∂ℓᵢ/∂sᵢⱼ is the softmax weight of the entry (with the 1 of the log's argument), signed by its term. The
 * masks may be pair multiplicities: an entry > 0 is a pair, counted once. Returns
 * `undefined` where the matrix cannot be read without a synchronous GPU round trip.
 */
export function hostMultiSimilarity(
  matrix: tf.Tensor,
  positiveMask: tf.Tensor,
  negativeMask: tf.Tensor,
  terms: MultiSimilarityTerms,
): tf.Tensor | undefined {
  const host = readAllIfPossible(matrix, positiveMask, negativeMask);
  if (!host) return undefined;
  const [values, positives, negatives] = host as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const [rows, cols] = matrix.shape as [number, number];
  const { alpha, beta, base, mining, epsilon } = terms;
  const orient = terms.isInverted ? 1 : -1; // t = orient · matrix (a similarity)
  const losses = new Float32Array(rows);
  const grad = new Float32Array(rows * cols);
  const posExp = new Float64Array(cols);
  const negExp = new Float64Array(cols);
  const posAt = new Int32Array(cols);
  const negAt = new Int32Array(cols);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    let hardestPos = Infinity;
    let hardestNeg = -Infinity;
    if (mining) {
      for (let j = 0; j < cols; j++) {
        const s = orient * values[row + j]!;
        if (positives[row + j]! > 0 && s < hardestPos) hardestPos = s;
        if (negatives[row + j]! > 0 && s > hardestNeg) hardestNeg = s;
      }
    }
    let p = 0;
    let n = 0;
    // The exponents' maxima (at least 0, the log's 1), for a stable sum.
    let posTop = 0;
    let negTop = 0;
    for (let j = 0; j < cols; j++) {
      const v = values[row + j]!;
      const s = orient * v;
      if (positives[row + j]! > 0 && (!mining || s - epsilon < hardestNeg)) {
        const x = alpha * orient * (base - v);
        if (x > posTop) posTop = x;
        posAt[p] = row + j;
        posExp[p++] = x;
      }
      if (negatives[row + j]! > 0 && (!mining || s + epsilon > hardestPos)) {
        const x = beta * orient * (v - base);
        if (x > negTop) negTop = x;
        negAt[n] = row + j;
        negExp[n++] = x;
      }
    }
    // ∂ℓ/∂matrix = −orient·w (positive term) and +orient·w (negative term), w the softmax weight.
    losses[i] =
      logOnePlusSumExpInto(posExp, posAt, p, posTop, grad, -orient) / alpha +
      logOnePlusSumExpInto(negExp, negAt, n, negTop, grad, orient) / beta;
  }
  return withHostGradient(matrix, losses, grad);
}

/** A large constant for the masked min/max of the mining step. */
const FAR = 1e9;

/**
 * The paper's mining step, vectorised (no host reads): with t the similarity (−d for a distance), keep
 * negative k of anchor i if t_ik + ε > min_{P_i} t, positive j if t_ij − ε < max_{N_i} t. Computed
 * {@link detached} (index selection: no gradient, and no min/max backward pass).
 */
function mineMasks(t: tf.Tensor, pos: tf.Tensor, neg: tf.Tensor, epsilon: number) {
  const hardestPos = (s: tf.Tensor, p: tf.Tensor) => tf.min(tf.add(s, tf.mul(tf.sub(1, p), FAR)), 1, true);
  const hardestNeg = (s: tf.Tensor, n: tf.Tensor) => tf.max(tf.sub(s, tf.mul(tf.sub(1, n), FAR)), 1, true);
  return {
    pos: detached((s, p, n) => tf.mul(p, tf.step(tf.sub(hardestNeg(s, n), tf.sub(s, epsilon)))), t, pos, neg),
    neg: detached((s, p, n) => tf.mul(n, tf.step(tf.sub(tf.add(s, epsilon), hardestPos(s, p)))), t, pos, neg),
  };
}

/**
 * The per-anchor multi-similarity losses `[B]` as device ops (webgl, webgpu: no synchronous read): the
 * same formula as {@link hostMultiSimilarity}, with the mining step {@link detached}.
 */
export function deviceMultiSimilarity(
  matrix: tf.Tensor,
  positiveMask: tf.Tensor,
  negativeMask: tf.Tensor,
  terms: MultiSimilarityTerms,
): tf.Tensor {
  const { alpha, beta, base } = terms;
  // marginOf: λ − s and s − λ for a similarity; d − λ and λ − d for a distance.
  const orient = terms.isInverted ? 1 : -1;
  const masks = terms.mining
    ? mineMasks(terms.isInverted ? matrix : tf.neg(matrix), positiveMask, negativeMask, terms.epsilon)
    : { pos: positiveMask, neg: negativeMask };
  const posTerm = logOnePlusSumExp(tf.mul(tf.sub(base, matrix), alpha * orient), masks.pos);
  const negTerm = logOnePlusSumExp(tf.mul(tf.sub(matrix, base), beta * orient), masks.neg);
  return tf.add(tf.div(posTerm, alpha), tf.div(negTerm, beta));
}
