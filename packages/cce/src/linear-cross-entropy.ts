import {
  checkClassIds,
  checkFinite,
  checkNonNegative,
  checkShape,
  clampIds,
  type DimBindings,
  describeTensor,
  flattenWeights,
  invalidOption,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';
import { chunkedEngine } from './chunked-engine.js';
import type { CceEngine } from './engine.js';
import { fusedEngineFor } from './fused-engine.js';
import {
  type LinearCrossEntropyLseOptions,
  type LinearCrossEntropyOptions,
  type LinearCrossEntropyWithLse,
  type ResolvedCceOptions,
  resolveCceOptions,
} from './options.js';
import { rowStatistics } from './row-statistics.js';
import { perToken, type SequenceLayout, sequenceLayout, shiftBack } from './sequence.js';
import * as tf from './tf.js';

const FN = 'linearCrossEntropy';

/**
 * Cut Cross-Entropy: the cross-entropy of the logits `z = E·Cᵀ + b` without ever building the `N×V`
 * logits (Wijmans et al., ICLR 2025). Forward keeps a running log-sum-exp per row over vocabulary
 * blocks; backward recomputes each logit block and accumulates `dE = G·C`, `dC = Gᵀ·E`.
 *
 *   ẑ = s·tanh(z/s) (softcap s, optional),   LSE_n = log Σ_v exp(ẑ_nv)
 *   ℓ_n = ω_n·[(1 − α)·w_{y_n}·(LSE_n − ẑ_{n,y_n}) + (α/V)·Σ_v w_v·(LSE_n − ẑ_nv) + λ·LSE_n²]
 *
 * with label smoothing α, z-loss weight λ, class weights w (`classWeights`, 1 without) and token
 * weights ω (`weights`, 1 without; 0 on ignored tokens). `'sum'` is Σ ℓ_n, `'mean'` is
 * Σ ℓ_n / Σ ω_n·w_{y_n} (PyTorch's `weight=` mean; the plain mean over non-ignored tokens without
 * weights). Embeddings may have any leading dims `[…, D]` (flattened internally, no copy); `shift`
 * k scores position t against target t + k of the same sequence (the last leading dim), as apple's
 * CCE does, without copying the embeddings.
 *
 * Degenerate inputs: ignored tokens give 0 and no gradient; an all-ignored batch (or Σ ω·w = 0) gives
 * 0 for `'mean'`, with zero gradients; V = 1 gives 0 for every token (one class; only a z-loss λ·LSE² remains).
 *
 * @param embeddings float32 `[…, D]` (hidden states; e.g. `[B, T, D]`, or `[N, D]`).
 * @param classifier float32 `[V, D]` (the output projection / unembedding).
 * @param targets int32 `[…]` (the embeddings' leading dims) ids in `[0, V)` or `ignoreIndex`.
 * @param options see {@link LinearCrossEntropyOptions}.
 * @returns a scalar, or `[…]` with `reduction: 'none'` (`[…, T − k]` with `shift` k, 0 on ignored
 *   tokens); `{ loss, lse }` with `returnLse: true`. Differentiable in `embeddings`, `classifier` and
 *   `options.bias` (and through `lse`).
 * @throws XentError `SHAPE_MISMATCH`, `DTYPE_MISMATCH`, `EMPTY_BATCH`, `LABEL_OUT_OF_RANGE`,
 *   `NON_FINITE_INPUT`, `INVALID_OPTION`, `BACKEND_UNAVAILABLE` (`impl: 'fused'` without a kernel),
 *   `BUFFER_LIMIT` (a single row too large for the WebGPU device).
 * @see https://arxiv.org/abs/2411.09009
 * @example
 * // hidden [B, T, D] of a causal LM, tokens [B, T]: next-token loss without slicing either
 * const loss = linearCrossEntropy(hidden, unembedding, tokens, { shift: 1, ignoreIndex: -100 });
 */
export function linearCrossEntropy(
  embeddings: TensorInput,
  classifier: TensorInput,
  targets: TensorInput,
  options: LinearCrossEntropyLseOptions,
): LinearCrossEntropyWithLse;
export function linearCrossEntropy(
  embeddings: TensorInput,
  classifier: TensorInput,
  targets: TensorInput,
  options?: LinearCrossEntropyOptions,
): tf.Tensor;
export function linearCrossEntropy(
  embeddings: TensorInput,
  classifier: TensorInput,
  targets: TensorInput,
  options: LinearCrossEntropyOptions | LinearCrossEntropyLseOptions = {},
): tf.Tensor | LinearCrossEntropyWithLse {
  const resolved = resolveCceOptions(FN, options);
  return tf.tidy(FN, () => {
    const e = toTensor(embeddings, FN, 'embeddings', 'float32');
    const c = toTensor(classifier, FN, 'classifier', 'float32') as tf.Tensor2D;
    const y = toTensor(targets, FN, 'targets', 'int32');
    const dims: DimBindings = new Map();
    const leading = e.shape.slice(0, -1);
    checkShape(FN, 'embeddings', e, e.rank < 2 ? ['N', 'D'] : [...leading, 'D'], dims);
    checkShape(FN, 'classifier', c, ['V', 'D'], dims);
    checkShape(FN, 'targets', y, leading, dims);
    // The optional float32 [V] options (bias, classWeights): converted, shape- and (validate) data-checked.
    const perClass = (x: TensorInput | undefined, name: string, check: typeof checkFinite) => {
      if (x === undefined) return undefined;
      const argument = `options.${name}`;
      const t = toTensor(x, FN, argument, 'float32') as tf.Tensor1D;
      checkShape(FN, argument, t, ['V'], dims);
      if (resolved.validate) check(FN, argument, t);
      return t;
    };
    const b = perClass(options.bias, 'bias', checkFinite);
    const classWeights = perClass(options.classWeights, 'classWeights', checkNonNegative);
    const v = c.shape[0];
    // No classes (SHAPE_MISMATCH), else no tokens (EMPTY_BATCH).
    if (!v || leading.includes(0)) {
      throw new XentError(v ? 'EMPTY_BATCH' : 'SHAPE_MISMATCH', {
        fn: FN,
        argument: v ? 'embeddings' : 'classifier',
        expected: v ? 'at least one token' : 'V ≥ 1 rows',
        received: describeTensor(v ? e : c),
      });
    }
    const layout = sequenceLayout(FN, leading, resolved.shift);
    const tokenWeights = readTokenWeights(options.weights, layout);
    if (classWeights && resolved.labelSmoothing > 0 && resolved.softcap > 0) {
      invalidOption(FN, 'classWeights', 'none with both labelSmoothing and softcap', 'a tensor');
    }
    const rows = layout.rows;
    // Targets (and weights) move k positions back; the engine runs on the whole, uncopied E.
    const shifted = shiftBack(tf.reshape(y, [rows]), layout, resolved.ignoreIndex) as tf.Tensor1D;
    if (resolved.validate) {
      checkFinite(FN, 'embeddings', e);
      checkFinite(FN, 'classifier', c);
      // The scored targets: shifted ones (the last k of each sequence are ignoreIndex).
      checkClassIds(FN, 'targets', shifted, v, resolved.ignoreIndex);
    }
    const e2 = tf.reshape(e, [rows, e.shape[e.rank - 1]!]) as tf.Tensor2D;
    const kept = tf.notEqual(shifted, resolved.ignoreIndex);
    const valid = tf.cast(kept, 'float32');
    // Unchecked ids (validate: false) must not gather out of bounds on any backend: clamp on device.
    const ids = resolved.validate ? shifted : (tf.where(kept, clampIds(shifted, v), shifted) as tf.Tensor1D);
    const alpha = resolved.labelSmoothing;
    const statistics = rowStatistics(chooseEngine(resolved), {
      ...resolved,
      filterEps: alpha > 0 ? 0 : resolved.gradFilterEps,
      needSum: alpha > 0,
    });
    const { lse, targetLogit, logitSum } = statistics(e2, c, ids, b);
    // w_{y_n} (ignored rows are masked below, so their clamped id is harmless).
    const targetWeight = classWeights ? tf.gather(classWeights, clampIds(ids, v)) : undefined;
    const nll = tf.sub(lse, targetLogit);
    let row = targetWeight ? tf.mul(targetWeight, nll) : nll;
    if (alpha > 0) {
      // (1/V)·Σ_v w_v·(LSE − ẑ_v): from the engine's Σẑ, or, with class weights (no softcap),
      // Σ_v w_v·ẑ_v = E·(wᵀC) + wᵀb — linear, O(V·D), never N×V.
      const uniform = classWeights
        ? tf.sub(tf.mul(lse, tf.sum(classWeights)), weightedLogitSum(e2, c, b, classWeights))
        : tf.sub(tf.mul(lse, v), logitSum);
      row = tf.add(tf.mul(row, 1 - alpha), tf.mul(uniform, alpha / v));
    }
    if (resolved.logZPenalty > 0) row = tf.add(row, tf.mul(tf.square(lse), resolved.logZPenalty));
    const omega = tokenWeights ? tf.mul(valid, shiftBack(tokenWeights, layout, 0)) : valid;
    const weighted = tf.mul(row, omega);
    const loss = reduce(weighted, targetWeight ? tf.mul(omega, targetWeight) : omega, resolved, layout);
    return resolved.returnLse ? { loss, lse: perToken(lse, layout) } : loss;
  });
}

/** `'none'` per token `[…, T − k]`, `'sum'`, or `'mean'` = Σ ℓ / Σ denominators (0 when that is 0). */
function reduce(
  weighted: tf.Tensor,
  denominators: tf.Tensor,
  options: ResolvedCceOptions,
  layout: SequenceLayout,
): tf.Tensor {
  if (options.reduction === 'none') return perToken(weighted, layout);
  const total = tf.sum(weighted);
  if (options.reduction === 'sum') return total;
  const count = tf.sum(denominators);
  return tf.div(total, tf.where(tf.greater(count, 0), count, 1));
}

/** Token weights `[…]` (or a prefix of the leading dims) as `[M]`, checked (≥ 0, finite). */
function readTokenWeights(weights: TensorInput | undefined, layout: SequenceLayout): tf.Tensor | undefined {
  if (weights === undefined) return undefined;
  const w = toTensor(weights, FN, 'options.weights', 'float32');
  const flat = flattenWeights(FN, w, { symbol: 'N', shape: layout.leading, rows: layout.rows });
  checkNonNegative(FN, 'options.weights', w);
  return flat;
}

/** Σ_v w_v·z_nv for unsoftcapped logits z = E·Cᵀ + b, as E·(wᵀC) + wᵀb: `[N]`. */
function weightedLogitSum(
  e: tf.Tensor2D,
  c: tf.Tensor2D,
  b: tf.Tensor1D | undefined,
  w: tf.Tensor1D,
): tf.Tensor {
  const projected = tf.matMul(tf.reshape(w, [1, -1]), c); // [1, D]
  const dots = tf.reshape(tf.matMul(e, projected, false, true), [-1]);
  return b ? tf.add(dots, tf.sum(tf.mul(w, b))) : dots;
}

function chooseEngine(options: ResolvedCceOptions): CceEngine {
  if (options.impl === 'chunked') return chunkedEngine;
  const fused = fusedEngineFor(tf.getBackend());
  if (fused) return fused;
  if (options.impl === 'fused') {
    throw new XentError('BACKEND_UNAVAILABLE', {
      fn: FN,
      argument: 'options.impl',
      expected: "a backend with fused kernels (import '@xent/cce/cpu' or '@xent/cce/webgpu')",
      received: tf.getBackend(),
    });
  }
  return chunkedEngine;
}
