import * as tf from '@tensorflow/tfjs-core';
import { readSyncIfPossible } from '../validate.js';
import { customGradient } from './custom-gradient.js';

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const high = Math.max(a, b);
  return high + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * Suffix log-sum-exp along the last axis of a `[N, C]` (or `[C]`) tensor:
 *
 *   out[n, k] = log Σ_{j ≥ k} exp(x[n, j])
 *
 * Computed as the float64 recurrence out[k] = logaddexp(x[k], out[k+1]), so a suffix far below the row
 * maximum keeps full precision (a shifted exp-cumsum would underflow to −∞ there). The gradient is
 * ∂out[k]/∂x[j] = exp(x[j] − out[k]) for j ≥ k, accumulated by the stable scan
 * S[j] = S[j−1]·exp(out[j] − out[j−1]) + dy[j], dx[j] = S[j]·exp(x[j] − out[j]).
 * Runs on the host (reads the tensor), O(N·C) time and memory. Where the backend cannot read
 * synchronously (tfjs-webgpu outside a browser) it falls back to the device formula
 * m + log(reverse-cumsum(exp(x − m))), m the row maximum, which underflows to −∞ for suffixes more
 * than ~87 below m.
 */
export function reverseLogCumSumExp(x: tf.Tensor): tf.Tensor {
  if (readSyncIfPossible(x) === undefined) return shiftedReverseLogCumSumExp(x);
  const shape = x.shape;
  const cols = shape[shape.length - 1] ?? 1;
  const rows = cols === 0 ? 0 : x.size / cols;
  const op = customGradient<[tf.Tensor]>(([input]) => {
    const values = input.dataSync().slice();
    const out = new Float32Array(values.length);
    const out64 = new Float64Array(values.length);
    for (let r = 0; r < rows; r++) {
      let acc = -Infinity;
      for (let k = cols - 1; k >= 0; k--) {
        acc = logAddExp(values[r * cols + k]!, acc);
        out64[r * cols + k] = acc;
        out[r * cols + k] = acc;
      }
    }
    return {
      value: tf.tensor(out, shape, 'float32'),
      gradFunc: (dy) => {
        const dys = dy.dataSync();
        const dx = new Float32Array(values.length);
        for (let r = 0; r < rows; r++) {
          let running = 0;
          let previous = 0;
          for (let j = 0; j < cols; j++) {
            const i = r * cols + j;
            const current = out64[i]!;
            const decay = j === 0 || current === previous ? 1 : Math.exp(current - previous);
            running = running * decay + dys[i]!;
            previous = current;
            dx[i] = current === -Infinity ? 0 : running * Math.exp(values[i]! - current);
          }
        }
        return tf.tensor(dx, shape, 'float32');
      },
    };
  });
  return op(x);
}

function shiftedReverseLogCumSumExp(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const rowMax = tf.max(x, -1, true);
    const sums = tf.cumsum(tf.exp(tf.sub(x, rowMax)), x.rank - 1, false, true);
    return tf.add(tf.log(sums), rowMax);
  });
}
