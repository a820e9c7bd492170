import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-gradient.js';

const EPSILON = 1e-12; // core's l2Normalize floor

/**
 * ℓᵢ = log Σⱼ exp(s·sim(aᵢ, bⱼ)) − s·sim(aᵢ, bᵢ) for `a` `[N, D]` and candidates `b` `[C, D]` (C ≥ N,
 * row i's positive is column i), with one closed-form backward: G = s·dy·(softmax − 1[j = i]),
 * ∂â = G·b̂, ∂b̂ = Gᵀ·â, then through the row normalisation (cosine): ∂a = (∂â − â·⟨∂â, â⟩)/max(‖a‖, ε).
 * Plain matmuls only (tfjs-wasm's transposed ones are slow) and one backward instead of autodiff through
 * l2Normalize, the product and the softmax: tfjs's per-op overhead dominates MNRL on wasm. Same values
 * as the composed ops up to float32 rounding (@xent/retrieval's infoNceLoss tests it against its masked
 * formulation). Used by infoNceLoss's shortcut (MNRL).
 *
 * A zero row is normalised to 0 (norm clamped at ε = 1e-12), as `l2Normalize` does.
 *
 * @param a float32 `[N, D]`. @param b float32 `[C, D]`, C ≥ N. @returns float32 `[N]`.
 * @example const perQuery = inBatchCrossEntropy(queries, docs, 20, 'cosine'); // MNRL, scale 20
 */
export function inBatchCrossEntropy(
  a: tf.Tensor,
  b: tf.Tensor,
  scale: number,
  kind: 'cosine' | 'dot',
): tf.Tensor {
  const n = a.shape[0]!;
  const c = b.shape[0]!;
  const op = customGradient<[tf.Tensor, tf.Tensor]>(([x, y], save) => {
    const [xs, ys, xInv, yInv, logits] = tf.tidy(() => {
      const sx = tf.sum(tf.square(x), -1, true);
      const sy = tf.sum(tf.square(y), -1, true);
      const ix = kind === 'cosine' ? tf.rsqrt(tf.maximum(sx, EPSILON * EPSILON)) : tf.ones([n, 1]);
      const iy = kind === 'cosine' ? tf.rsqrt(tf.maximum(sy, EPSILON * EPSILON)) : tf.ones([c, 1]);
      const nx = kind === 'cosine' ? tf.mul(x, ix) : x;
      const ny = kind === 'cosine' ? tf.mul(y, iy) : y;
      // Gate of the projection term: 0 where the norm was clamped at ε (there x/ε is linear).
      const gx = tf.cast(tf.greater(sx, EPSILON * EPSILON), 'float32');
      const gy = tf.cast(tf.greater(sy, EPSILON * EPSILON), 'float32');
      const z = tf.mul(tf.matMul(nx, tf.transpose(ny)), scale);
      return [tf.clone(nx), tf.clone(ny), tf.concat([ix, gx], 1), tf.concat([iy, gy], 1), z];
    });
    const value = tf.tidy(() => {
      const diagonal = tf.sum(tf.mul(tf.slice(logits, [0, 0], [n, n]), tf.eye(n)), -1);
      return tf.sub(tf.logSumExp(logits, -1), diagonal);
    });
    save([xs, ys, xInv, yInv, logits]);
    tf.dispose([xs, ys, xInv, yInv, logits]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [nx, ny, xi, yi, z] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.tidy(() => {
          const eye =
            c === n
              ? tf.eye(n)
              : tf.pad(tf.eye(n), [
                  [0, 0],
                  [0, c - n],
                ]);
          const g = tf.mul(tf.sub(tf.softmax(z, -1), eye), tf.mul(tf.expandDims(dy, 1), scale));
          const dnx = tf.matMul(g, ny);
          const dny = tf.matMul(tf.transpose(g), nx);
          if (kind === 'dot') return [dnx, dny];
          const back = (dn: tf.Tensor, unit: tf.Tensor, info: tf.Tensor) => {
            const [inv, gate] = tf.split(info, 2, 1) as [tf.Tensor, tf.Tensor];
            const along = tf.mul(tf.sum(tf.mul(dn, unit), -1, true), gate);
            return tf.mul(tf.sub(dn, tf.mul(unit, along)), inv);
          };
          return [back(dnx, nx, xi), back(dny, ny, yi)];
        });
      },
    };
  });
  return op(a, b);
}
