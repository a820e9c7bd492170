import * as tf from '@tensorflow/tfjs-core';
import {
  checkClassIds,
  checkFinite,
  checkNonEmpty,
  checkShape,
  clampIds,
  customGradient,
  type DimBindings,
  describeTensor,
  saveShared,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';
import { chunkedEngine } from './chunked-engine.js';
import type { CceEngine, CceSettings } from './engine.js';
import { fusedEngineFor } from './fused-engine.js';
import { type LinearCrossEntropyOptions, type ResolvedCceOptions, resolveCceOptions } from './options.js';

const FN = 'linearCrossEntropy';

/**
 * Cut Cross-Entropy: the cross-entropy of the logits `z = E·Cᵀ + b` without ever building the `N×V`
 * logits (Wijmans et al., ICLR 2025). Forward keeps a running log-sum-exp per row over vocabulary
 * blocks; backward recomputes each logit block and accumulates `dE = G·C`, `dC = Gᵀ·E`.
 *
 *   ẑ = s·tanh(z/s) (softcap s, optional),   LSE_n = log Σ_v exp(ẑ_nv)
 *   ℓ_n = LSE_n − (1 − α)·ẑ_{n,y_n} − (α/V)·Σ_v ẑ_nv + λ·LSE_n²
 *
 * with label smoothing α and z-loss weight λ. Rows whose target is `ignoreIndex` give 0 and no gradient;
 * `'mean'` divides by the number of other rows (an all-ignored batch gives 0, with zero gradients).
 *
 * @param embeddings float32 `[N, D]` (hidden states, one row per token).
 * @param classifier float32 `[V, D]` (the output projection / unembedding).
 * @param targets int32 `[N]` target ids in `[0, V)` or `ignoreIndex`.
 * @param options see {@link LinearCrossEntropyOptions}.
 * @returns a scalar, or `[N]` with `reduction: 'none'`. Differentiable in `embeddings`, `classifier`
 *   and `options.bias`.
 * @throws XentError `SHAPE_MISMATCH`, `DTYPE_MISMATCH`, `EMPTY_BATCH`, `LABEL_OUT_OF_RANGE`,
 *   `NON_FINITE_INPUT`, `INVALID_OPTION`, `BACKEND_UNAVAILABLE` (`impl: 'fused'` without a kernel),
 *   `BUFFER_LIMIT` (a single row too large for the WebGPU device).
 * @see https://arxiv.org/abs/2411.09009
 * @example
 * const loss = linearCrossEntropy(hidden, unembedding, tokenIds, { ignoreIndex: -100 });
 */
export function linearCrossEntropy(
  embeddings: TensorInput,
  classifier: TensorInput,
  targets: TensorInput,
  options: LinearCrossEntropyOptions = {},
): tf.Tensor {
  const resolved = resolveCceOptions(FN, options);
  return tf.tidy(FN, () => {
    const e = toTensor(embeddings, FN, 'embeddings', 'float32') as tf.Tensor2D;
    const c = toTensor(classifier, FN, 'classifier', 'float32') as tf.Tensor2D;
    const y = toTensor(targets, FN, 'targets', 'int32') as tf.Tensor1D;
    const b =
      options.bias === undefined
        ? undefined
        : (toTensor(options.bias, FN, 'options.bias', 'float32') as tf.Tensor1D);
    const dims: DimBindings = new Map();
    checkShape(FN, 'embeddings', e, ['N', 'D'], dims);
    checkShape(FN, 'classifier', c, ['V', 'D'], dims);
    checkShape(FN, 'targets', y, ['N'], dims);
    if (b) checkShape(FN, 'options.bias', b, ['V'], dims);
    checkNonEmpty(FN, 'embeddings', e);
    const v = c.shape[0];
    if (v === 0) {
      throw new XentError('SHAPE_MISMATCH', {
        fn: FN,
        argument: 'classifier',
        expected: 'V ≥ 1 rows',
        received: describeTensor(c),
      });
    }
    if (resolved.validate) {
      checkFinite(FN, 'embeddings', e);
      checkFinite(FN, 'classifier', c);
      if (b) checkFinite(FN, 'options.bias', b);
      checkClassIds(FN, 'targets', y, v, resolved.ignoreIndex);
    }
    const engine = chooseEngine(resolved);
    const rows = rowLosses(engine, settingsOf(resolved), resolved, v);
    const kept = tf.notEqual(y, resolved.ignoreIndex);
    const valid = tf.cast(kept, 'float32') as tf.Tensor1D;
    // Unchecked ids (validate: false) must not gather out of bounds on any backend: clamp on device.
    const ids = resolved.validate ? y : (tf.where(kept, clampIds(y, v), y) as tf.Tensor1D);
    const perRow = b ? rows(e, c, ids, valid, b) : rows(e, c, ids, valid);
    if (resolved.reduction === 'none') return perRow;
    const total = tf.sum(perRow);
    if (resolved.reduction === 'sum') return total;
    return tf.div(total, tf.maximum(tf.sum(valid), 1));
  });
}

function settingsOf(options: ResolvedCceOptions): CceSettings {
  return {
    softcap: options.softcap,
    filterEps: options.labelSmoothing > 0 ? 0 : options.gradFilterEps,
    needSum: options.labelSmoothing > 0,
    vocabBlock: options.vocabBlock,
    tokenBlock: options.tokenBlock,
  };
}

function chooseEngine(options: ResolvedCceOptions): CceEngine {
  if (options.impl === 'chunked') return chunkedEngine;
  const fused = fusedEngineFor(tf.getBackend());
  if (fused) return fused;
  if (options.impl === 'fused') {
    throw new XentError('BACKEND_UNAVAILABLE', {
      fn: FN,
      argument: 'options.impl',
      expected:
        "a backend with fused CCE kernels (import '@xent/cce/cpu' for cpu, '@xent/cce/webgpu' for webgpu)",
      received: `'fused' on backend '${tf.getBackend()}'`,
    });
  }
  return chunkedEngine;
}

/**
 * The per-row losses (0 on ignored rows) as one differentiable op over (E, C, targets, valid, bias?).
 * Its value is packed `[N, 2 + k]` = (loss, LSE, engine state): saving the op's own output keeps the
 * backward inputs alive without a tensor tfjs's leak check would count as extra.
 */
function rowLosses(engine: CceEngine, settings: CceSettings, options: ResolvedCceOptions, v: number) {
  const alpha = options.labelSmoothing;
  const lambda = options.logZPenalty;
  const packed = customGradient<tf.Tensor[]>((inputs, save) => {
    const [e, c, y, valid, bias] = inputs as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D?,
    ];
    const { lse, targetLogit, logitSum, aux } = engine.forward(e, c, y, bias, settings);
    let loss = tf.sub(lse, tf.mul(targetLogit, 1 - alpha));
    if (alpha > 0) loss = tf.sub(loss, tf.mul(logitSum, alpha / v));
    if (lambda > 0) loss = tf.add(loss, tf.mul(tf.square(lse), lambda));
    const columns = [tf.mul(loss, valid), lse].map((x) => tf.expandDims(x, 1));
    const value = tf.concat(aux ? [...columns, aux] : columns, 1);
    // Views, not copies: tfjs-wasm's clone would duplicate the [V, D] classifier.
    saveShared(save, [e, c, y, valid, value, ...(bias ? [bias] : [])]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [se, sc, sy, sValid, sValue, sBias] = saved as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor1D,
          tf.Tensor1D,
          tf.Tensor2D,
          tf.Tensor1D?,
        ];
        const n = se.shape[0];
        const lse = tf.reshape(tf.slice(sValue, [0, 1], [n, 1]), [n]) as tf.Tensor1D;
        const width = sValue.shape[1];
        const sAux = width > 2 ? tf.slice(sValue, [0, 2], [n, width - 2]) : undefined;
        const w = tf.mul(tf.reshape(tf.slice(dy, [0, 0], [n, 1]), [n]), sValid);
        const a = lambda > 0 ? tf.mul(w, tf.add(1, tf.mul(lse, 2 * lambda))) : w;
        const coef = tf.stack([a, tf.mul(w, 1 - alpha), tf.mul(w, alpha / v)], 1) as tf.Tensor2D;
        const grads = engine.backward(se, sc, sy, sBias, lse, coef, sAux, settings);
        return [
          grads.dEmbeddings,
          grads.dClassifier,
          tf.zeros(sy.shape),
          tf.zeros(sy.shape),
          ...(sBias ? [grads.dBias ?? tf.zeros(sBias.shape)] : []),
        ];
      },
    };
  });
  return (...inputs: tf.Tensor[]) => {
    const value = packed(...inputs);
    const n = value.shape[0]!;
    return tf.reshape(tf.slice(value, [0, 0], [n, 1]), [n]);
  };
}
