import { customGradient, saveShared } from '@xent/core';
import type { CceEngine, CceSettings } from './engine.js';
import * as tf from './tf.js';

/** The per-row statistics of `ẑ = softcap(E·Cᵀ + b)`, all `[N]` float32 and differentiable. */
export interface RowStatistics {
  /** LSE_n = log Σ_v exp(ẑ_nv). */
  readonly lse: tf.Tensor1D;
  /** ẑ_{n,y_n} (0 where y_n is outside [0, V)). */
  readonly targetLogit: tf.Tensor1D;
  /** Σ_v ẑ_nv (0 unless `settings.needSum`). */
  readonly logitSum: tf.Tensor1D;
}

/**
 * The engine's forward statistics as one differentiable op over (E, C, targets, bias?). Every loss
 * built from them is plain tfjs algebra on `[N]` vectors; the op's backward maps the upstream
 * gradients (∂/∂LSE, ∂/∂ẑ_y, ∂/∂Σẑ) = (a, −b, −c) onto the engine's `G = a·p − b·onehot − c`, so any
 * combination of ignore mask, weights, smoothing, z-loss and a returned LSE reaches the fused paths.
 * Its value is packed `[N, 3 + k]` = (LSE, ẑ_y, Σẑ, engine state): saving the op's own output keeps
 * the backward inputs alive without a tensor tfjs's leak check would count as extra.
 */
export function rowStatistics(engine: CceEngine, settings: CceSettings) {
  const packed = customGradient<tf.Tensor[]>((inputs, save) => {
    const [e, c, y, bias] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D?];
    const { lse, targetLogit, logitSum, aux } = engine.forward(e, c, y, bias, settings);
    const columns = [lse, targetLogit, logitSum].map((x) => tf.expandDims(x, 1));
    const value = tf.concat(aux ? [...columns, aux] : columns, 1);
    // Views, not copies: tfjs-wasm's clone would duplicate the [V, D] classifier.
    saveShared(save, [e, c, y, value, ...(bias ? [bias] : [])]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [se, sc, sy, sValue, sBias] = saved as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor1D,
          tf.Tensor2D,
          tf.Tensor1D?,
        ];
        const n = se.shape[0];
        const width = sValue.shape[1];
        const lse = tf.reshape(tf.slice(sValue, [0, 0], [n, 1]), [n]) as tf.Tensor1D;
        const sAux = width > 3 ? tf.slice(sValue, [0, 3], [n, width - 3]) : undefined;
        const coef = tf.mul(tf.slice(dy, [0, 0], [n, 3]), tf.tensor1d([1, -1, -1])) as tf.Tensor2D;
        const grads = engine.backward(se, sc, sy, sBias, lse, coef, sAux, settings);
        return [
          grads.dEmbeddings,
          grads.dClassifier,
          tf.zeros(sy.shape),
          ...(sBias ? [grads.dBias ?? tf.zeros(sBias.shape)] : []),
        ];
      },
    };
  });
  return (e: tf.Tensor2D, c: tf.Tensor2D, y: tf.Tensor1D, bias: tf.Tensor1D | undefined): RowStatistics => {
    const value = bias ? packed(e, c, y, bias) : packed(e, c, y);
    const n = value.shape[0]!;
    const column = (j: number) => tf.reshape(tf.slice(value, [0, j], [n, 1]), [n]) as tf.Tensor1D;
    return { lse: column(0), targetLogit: column(1), logitSum: column(2) };
  };
}
