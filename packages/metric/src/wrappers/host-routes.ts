import * as tf from '@tensorflow/tfjs-core';
import { readAllIfPossible, withHostGradient } from '../internal/host-gradient.js';
import { type ContrastiveRoute, hostHooks } from '../internal/host-hooks.js';
import { type FilterReducer, isFilterReducer, type WeightedLossPart } from '../reducers/threshold-reducer.js';

/** 1[low < ℓ < high], the elements a filter reducer keeps (as its device `keepMask`). */
function keeps(reducer: FilterReducer): (loss: number) => boolean {
  const low = reducer.low ?? -Infinity;
  const high = reducer.high ?? Infinity;
  return (loss) => loss > low && loss < high;
}

/**
 * A filter reducer (mean over the losses strictly inside (low, high), each counted with its
 * multiplicity w; parts reduced separately, then summed) in one host pass per part with its closed-form
 * gradient: Σ w·ℓ·k / max(Σ w·k, 1) with k = 1[low < ℓ < high], whose derivative in ℓ is
 * w·k / max(Σ w·k, 1) (the filter is piecewise constant, like the device `step`). The same value as
 * `reducer.reduce(parts)` without its ~8 `[B, M]` ops per part forward and backward. `undefined` where
 * the parts cannot be read without a synchronous GPU round trip (webgl, webgpu).
 */
export function hostFilterReduce(
  reducer: FilterReducer,
  parts: readonly WeightedLossPart[],
): tf.Tensor | undefined {
  const reads = parts.map((part) =>
    part.kind === 'reduced' ? [] : readAllIfPossible(part.losses, ...(part.weights ? [part.weights] : [])),
  );
  if (reads.some((read) => read === undefined)) return undefined;
  const kept = keeps(reducer);
  let total: tf.Tensor = tf.scalar(0);
  parts.forEach((part, p) => {
    if (part.kind === 'reduced') {
      total = tf.add(total, tf.sum(part.losses));
      return;
    }
    const [losses, weights] = reads[p] as [ArrayLike<number>, ArrayLike<number> | undefined];
    const grad = new Float32Array(losses.length);
    let sum = 0;
    let count = 0;
    for (let k = 0; k < losses.length; k++) {
      const w = weights ? weights[k]! : 1;
      if (w !== 0 && kept(losses[k]!)) {
        grad[k] = w;
        sum += w * losses[k]!;
        count += w;
      }
    }
    const scale = 1 / Math.max(count, 1);
    for (let k = 0; k < grad.length; k++) grad[k] = grad[k]! * scale;
    // As [1, n]: withHostGradient's slope has the input's shape, the scalar upstream gradient [1, 1].
    total = tf.add(total, withHostGradient(tf.reshape(part.losses, [1, -1]), sum * scale, grad));
  });
  return total;
}

/**
 * {@link contrastiveLoss} with a filter reducer in one host pass over the `[B, M]` matrix, with its
 * closed-form gradient in the matrix: ℓ⁺ = [g⁺]₊ with g⁺ = d − m⁺ (similarity: m⁺ − s), ℓ⁻ = [g⁻]₊ with
 * g⁻ = m⁻ − d (s − m⁻); each part is Σ w·ℓ·k / max(Σ w·k, 1) (k: the reducer's filter), so
 * ∂/∂dᵢⱼ = ±w·k·1[g > 0] / max(Σ w·k, 1) (relu's derivative at 0 is 0, as tfjs's). `undefined` where the
 * matrix cannot be read without a synchronous GPU round trip, and for reducers from elsewhere.
 */
export const hostContrastive: ContrastiveRoute = (matrix, pos, neg, margins, isInverted, reducer) => {
  if (!isFilterReducer(reducer)) return undefined;
  const host = readAllIfPossible(matrix, pos, neg);
  if (!host) return undefined;
  const [values, ...weights] = host as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const kept = keeps(reducer);
  const grad = new Float32Array(values.length);
  // g = orient·(matrix − margin): orient +1 for the positive term of a distance, −1 for its negative.
  const terms = [
    { w: weights[0], margin: margins.posMargin, orient: isInverted ? -1 : 1 },
    { w: weights[1], margin: margins.negMargin, orient: isInverted ? 1 : -1 },
  ];
  let value = 0;
  // Positions with a nonzero derivative (kept, g > 0), scaled once the term's count is known.
  const at = new Int32Array(values.length);
  for (const { w, margin, orient } of terms) {
    let sum = 0;
    let count = 0;
    let length = 0;
    for (let k = 0; k < values.length; k++) {
      if (w[k] === 0) continue;
      const g = orient * (values[k]! - margin);
      const loss = Math.max(g, 0);
      if (kept(loss)) {
        sum += w[k]! * loss;
        count += w[k]!;
        if (g > 0) at[length++] = k;
      }
    }
    const scale = 1 / Math.max(count, 1);
    for (let i = 0; i < length; i++) grad[at[i]!] = grad[at[i]!]! + orient * w[at[i]!]! * scale;
    value += sum * scale;
  }
  return withHostGradient(matrix, value, grad);
};

/**
 * Runs `fn` with the host routes of {@link hostHooks} installed ({@link hostFilterReduce},
 * {@link hostContrastive}), restored afterwards (also on a throw). For wrappers whose calls reduce large
 * `[B, M]` parts; the routes fall back to the device ops on webgl/webgpu.
 */
export function withHostRoutes<T>(fn: () => T): T {
  const { reduce, contrastive } = hostHooks;
  hostHooks.reduce = hostFilterReduce;
  hostHooks.contrastive = hostContrastive;
  try {
    return fn();
  } finally {
    hostHooks.reduce = reduce;
    hostHooks.contrastive = contrastive;
  }
}
