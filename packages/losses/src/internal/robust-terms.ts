import * as tf from '@tensorflow/tfjs-core';
import type { LossReference, OptionSpec } from '@xent/core';
import { logComplement } from './log-complement.js';
import { atTargets } from './true-class.js';

/** The paper that defines NCE, NFL, NGCE, NMAE and the active-passive combinations. */
export const NORMALIZED_LOSSES_PAPER: LossReference = {
  title: 'Normalized Loss Functions for Deep Learning with Noisy Labels',
  url: 'https://arxiv.org/abs/2006.13554',
  year: 2020,
  authors: 'Ma, Huang, Wang, Romano, Erfani, Bailey',
};

/** Option metadata of RCE's target floor (A = log floor). */
export const TARGET_FLOOR_OPTION: OptionSpec = {
  type: 'number',
  min: 0,
  max: 1,
  exclusiveMin: true,
  exclusiveMax: true,
  description: 'floor of the targets inside the log of RCE (A = log floor)',
};

// The active and passive terms of Ma et al. (ICML 2020), per example, from log-probabilities
// `logp` [N, C] and labels (int32 ids or float targets). Shared by normalizedCrossEntropyLoss,
// reverseCrossEntropyLoss and activePassiveLoss.

/** CE = −log p_y. */
export function crossEntropyTerm(logp: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.neg(atTargets(logp, labels, (x) => x));
}

/** NCE = log p_y / Σ_k log p_k  (= −log p_y / −Σ_k log p_k ∈ [0, 1]). */
export function normalizedCrossEntropyTerm(logp: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.div(
    atTargets(logp, labels, (x) => x),
    tf.sum(logp, -1),
  );
}

/** NFL = FL_y / Σ_k FL_k with FL_k = −(1 − p_k)^γ·log p_k. */
export function normalizedFocalTerm(logp: tf.Tensor, labels: tf.Tensor, gamma: number): tf.Tensor {
  const focal = (values: tf.Tensor) => tf.mul(tf.neg(values), tf.exp(tf.mul(logComplement(values), gamma)));
  return tf.div(atTargets(logp, labels, focal), tf.sum(focal(logp), -1));
}

/** NGCE = (1 − p_y^q) / (K − Σ_k p_k^q). */
export function normalizedGeneralizedCrossEntropyTerm(
  logp: tf.Tensor,
  labels: tf.Tensor,
  q: number,
): tf.Tensor {
  const power = (values: tf.Tensor) => tf.exp(tf.mul(values, q));
  const numerator = tf.sub(1, atTargets(logp, labels, power));
  return tf.div(numerator, tf.sub(logp.shape[1]!, tf.sum(power(logp), -1)));
}

/** MAE in its reduced form 1 − p_y (half of ‖p − e_y‖₁), as the reference code uses it. */
export function meanAbsoluteErrorTerm(logp: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.sub(1, atTargets(logp, labels, tf.exp));
}

/** NMAE = ‖p − e_y‖₁ / Σ_k ‖p − e_k‖₁ = (1 − p_y)/(K − 1). */
export function normalizedMeanAbsoluteErrorTerm(logp: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.div(meanAbsoluteErrorTerm(logp, labels), Math.max(logp.shape[1]! - 1, 1));
}

/**
 * RCE = −Σ_k p_k·log max(t_k, floor): with one-hot targets −log(floor)·(1 − p_y), computed without
 * building the one-hot.
 */
export function reverseCrossEntropyTerm(logp: tf.Tensor, labels: tf.Tensor, floor: number): tf.Tensor {
  if (labels.dtype === 'int32') return tf.mul(meanAbsoluteErrorTerm(logp, labels), -Math.log(floor));
  return tf.neg(tf.sum(tf.mul(tf.exp(logp), tf.log(tf.maximum(labels, floor))), -1));
}
