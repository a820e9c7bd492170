import * as tf from '@tensorflow/tfjs-core';
import { readAllIfPossible, withHostGradient } from './host-gradient.js';

/** TCM's margins and weights, for {@link hostTcm} and {@link deviceTcm}. */
export interface TcmTerms {
  readonly lambdaPlus: number;
  readonly lambdaMinus: number;
  readonly marginPlus: number;
  readonly marginMinus: number;
}

/** Mean of `values` over the pairs where `hard` is 1 (with multiplicity), 0 when there are none. */
function meanOverHard(values: tf.Tensor, hard: tf.Tensor): tf.Tensor {
  return tf.div(tf.sum(tf.mul(values, hard)), tf.maximum(tf.sum(hard), 1));
}

/**
 * TCM from the `[B, M]` cosine matrix and the pair multiplicities, as device ops (webgl, webgpu):
 * λ⁺·mean_{hard pos}(m⁺ − S) + λ⁻·mean_{hard neg}(S − m⁻), hard meaning S ≤ m⁺ / S ≥ m⁻.
 */
export function deviceTcm(similarity: tf.Tensor, pos: tf.Tensor, neg: tf.Tensor, terms: TcmTerms): tf.Tensor {
  const posGap = tf.sub(terms.marginPlus, similarity);
  const negGap = tf.sub(similarity, terms.marginMinus);
  // 1[S ≤ m⁺] = 1 − step(S − m⁺); step has a zero gradient, comparisons none at all in tfjs.
  const hardPos = tf.mul(pos, tf.sub(1, tf.step(tf.neg(posGap))));
  const hardNeg = tf.mul(neg, tf.sub(1, tf.step(tf.neg(negGap))));
  return tf.add(
    tf.mul(meanOverHard(posGap, hardPos), terms.lambdaPlus),
    tf.mul(meanOverHard(negGap, hardNeg), terms.lambdaMinus),
  );
}

/**
 * {@link deviceTcm} in one host pass (cpu, wasm) with its closed-form gradient: −λ⁺·w/W⁺ at each hard
 * positive and +λ⁻·w/W⁻ at each hard negative (w its multiplicity, W the hard total). `undefined`
 * where the matrix cannot be read without a synchronous GPU round trip.
 */
export function hostTcm(
  similarity: tf.Tensor,
  pos: tf.Tensor,
  neg: tf.Tensor,
  terms: TcmTerms,
): tf.Tensor | undefined {
  const host = readAllIfPossible(similarity, pos, neg);
  if (!host) return undefined;
  const [s, p, n] = host as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const { lambdaPlus, lambdaMinus, marginPlus, marginMinus } = terms;
  let [posSum, posCount, negSum, negCount] = [0, 0, 0, 0];
  for (let k = 0; k < s.length; k++) {
    if (p[k]! > 0 && s[k]! <= marginPlus) {
      posSum += p[k]! * (marginPlus - s[k]!);
      posCount += p[k]!;
    }
    if (n[k]! > 0 && s[k]! >= marginMinus) {
      negSum += n[k]! * (s[k]! - marginMinus);
      negCount += n[k]!;
    }
  }
  const [posScale, negScale] = [lambdaPlus / Math.max(posCount, 1), lambdaMinus / Math.max(negCount, 1)];
  const grad = new Float32Array(s.length);
  for (let k = 0; k < s.length; k++) {
    if (p[k]! > 0 && s[k]! <= marginPlus) grad[k] = grad[k]! - posScale * p[k]!;
    if (n[k]! > 0 && s[k]! >= marginMinus) grad[k] = grad[k]! + negScale * n[k]!;
  }
  return withHostGradient(similarity, posSum * posScale + negSum * negScale, grad);
}
