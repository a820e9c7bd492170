import * as tf from '@tensorflow/tfjs-core';
import {
  checkValueRange,
  detached,
  invalidOption,
  type LossContext,
  readSyncIfPossible,
  XentError,
} from '@xent/core';

/**
 * Inputs of the elementwise binary losses: logits and targets of one shape. Declared `[N]` with
 * `leadingDims: 'flatten'`, so `[N]` (one binary output), `[N, L]` (L labels: multi-label) and any
 * `[..., L]` all work; every element is one binary decision.
 */
export const binaryInputs = [
  {
    name: 'logits',
    dtype: 'float32',
    shape: ['N'],
    description: 'binary logits [...] (probabilities with fromLogits: false)',
  },
  {
    name: 'targets',
    dtype: 'float32',
    shape: ['N'],
    description: 'binary targets of the same shape, in [0, 1] (hinge: in {−1, 1} or {0, 1})',
  },
] as const;

export type BinaryInputs = typeof binaryInputs;

/** Keras's binary label smoothing: y' = y·(1 − ε) + ε/2. */
export function smoothBinary(targets: tf.Tensor, epsilon: number): tf.Tensor {
  return epsilon > 0 ? tf.add(tf.mul(targets, 1 - epsilon), 0.5 * epsilon) : targets;
}

/** Keras's `epsilon()`: probabilities are clipped to [ε, 1 − ε] before the log. */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * log p and log(1 − p) of each element: from logits x, −softplus(−x) and −softplus(x) (exact in both
 * tails); from probabilities, the log of p clipped to [1e-7, 1 − 1e-7] as Keras does.
 */
export function logProbabilities(x: tf.Tensor, fromLogits: boolean): { logP: tf.Tensor; logQ: tf.Tensor } {
  if (fromLogits) return { logP: tf.neg(tf.softplus(tf.neg(x))), logQ: tf.neg(tf.softplus(x)) };
  const p = tf.clipByValue(x, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
  return { logP: tf.log(p), logQ: tf.log(tf.sub(1, p)) };
}

/** With `fromLogits: false` (and validation on), predictions must lie in [0, 1]. */
export function checkProbabilities(logits: tf.Tensor, fromLogits: boolean, context: LossContext): void {
  if (!fromLogits && context.validate) checkValueRange(context.fn, 'logits', logits, 0, 1);
}

/** Targets in [0, 1] (with validation on). */
export function checkTargets(targets: tf.Tensor, context: LossContext): void {
  if (context.validate) checkValueRange(context.fn, 'targets', targets, 0, 1);
}

/**
 * A per-label option (a number, or one number per label = the last dim of the caller's shape) as a
 * tensor matching the flattened elements `[M]`. `undefined` stays `undefined`.
 */
export function perLabel(
  value: number | readonly number[] | undefined,
  name: string,
  context: LossContext,
  rows: number,
): tf.Tensor | number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const shape = context.leadingShape ?? [rows];
  const labels = shape.length > 1 ? shape[shape.length - 1]! : 1;
  if (!Array.isArray(value) || value.length !== labels) {
    invalidOption(context.fn, name, `a number or ${labels} numbers (one per label, the last dim)`, value);
  }
  return tf.tile(tf.tensor1d(value as number[]), [rows / labels]);
}

/** Checks a per-label option: a finite number > 0 (≥ 0 with `allowZero`) or an array of them. */
export function checkPerLabel(fn: string, name: string, value: unknown, allowZero: boolean): void {
  if (value === undefined) return;
  const values = typeof value === 'number' ? [value] : value;
  const ok =
    Array.isArray(values) &&
    values.length > 0 &&
    values.every((v) => typeof v === 'number' && Number.isFinite(v) && (allowZero ? v >= 0 : v > 0));
  if (!ok) invalidOption(fn, name, `a finite number ${allowZero ? '≥ 0' : '> 0'} or an array of them`, value);
}

/** Hinge targets (a spec's `check`): every value in {−1, 1} or {0, 1}, 0 the negative class. */
export function checkSignLabels(
  { targets }: { readonly targets: tf.Tensor },
  _options: unknown,
  { fn, validate }: LossContext,
): void {
  if (!validate) return;
  const data = readSyncIfPossible(targets);
  if (data === undefined) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== -1 && v !== 0 && v !== 1) {
      throw new XentError('LABEL_OUT_OF_RANGE', {
        fn,
        argument: 'targets',
        expected: 'labels in {−1, 1} or {0, 1}',
        received: `${v} at flat index ${i}`,
      });
    }
  }
}

/** The hinge margin m = 1 − y·x with y ∈ {−1, 1} (0 mapped to −1), clamped at 0. */
export function hingeMargin(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  // y − [y = 0]: the mask is a constant (tfjs has no gradient for Equal).
  const zeros = detached((t) => tf.cast(tf.equal(t, 0), 'float32'), targets);
  const signs = tf.sub(targets, zeros);
  return tf.relu(tf.sub(1, tf.mul(signs, logits)));
}
