import * as tf from '@tensorflow/tfjs-core';
import { readSyncIfPossible } from '../validate.js';
import { customGradient } from './custom-gradient.js';
import { logSumExp } from './log-sum-exp.js';

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
 * Runs on the host (reads the tensor), O(N·C) time and memory, where the data is in memory (cpu,
 * wasm). On webgl/webgpu (no synchronous reads) it runs on the device in two levels of masked
 * log-sum-exp over ⌈√C⌉-wide blocks: as exact, O(N·C^1.5) memory. Entries of −∞ are allowed (they
 * add nothing; an all −∞ suffix is −∞ with a zero gradient).
 */
export function reverseLogCumSumExp(x: tf.Tensor): tf.Tensor {
  if (readSyncIfPossible(x) === undefined) return blockedReverseLogCumSumExp(x);
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

/**
 * The device form, exact for any spread and for −∞ entries (ragged lists), in two levels of masked
 * log-sum-exp (each with its own maximum, so nothing underflows): columns split into ⌈√C⌉-wide blocks;
 * within a block, each suffix is a masked log-sum-exp over a `[B, B]` triangle; across blocks, each
 * block adds the log-sum-exp of the blocks after it. O(N·C^1.5) memory, gradients by autodiff through
 * core's masked {@link logSumExp} (an all −∞ suffix is −∞ with a zero gradient, never NaN).
 */
function blockedReverseLogCumSumExp(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shape = x.shape;
    const cols = shape[shape.length - 1] ?? 1;
    if (x.size === 0 || cols === 0) return tf.clone(x);
    const rows = x.size / cols;
    const width = Math.ceil(Math.sqrt(cols));
    const blocks = Math.ceil(cols / width);
    const padded = tf.pad(
      tf.reshape(x, [rows, cols]),
      [
        [0, 0],
        [0, blocks * width - cols],
      ],
      -Infinity,
    );
    const tiles = tf.reshape(padded, [rows, blocks, 1, width]);
    // j ≥ i within a block; b' > b across blocks.
    const upper = (n: number, strict: boolean) => {
      const index = tf.range(0, n, 1, 'int32');
      const after = strict ? tf.greater : tf.greaterEqual;
      return after(tf.reshape(index, [1, n]), tf.reshape(index, [n, 1]));
    };
    const inner = logSumExp(tf.broadcastTo(tiles, [rows, blocks, width, width]), {
      mask: upper(width, false),
    });
    const totals = tf.reshape(tf.slice(inner, [0, 0, 0], [rows, blocks, 1]), [rows, 1, blocks]);
    const later = logSumExp(tf.broadcastTo(totals, [rows, blocks, blocks]), { mask: upper(blocks, true) });
    const both = tf.stack([inner, tf.broadcastTo(tf.reshape(later, [rows, blocks, 1]), inner.shape)], -1);
    const out = logSumExp(both, { mask: tf.ones([2]) });
    return tf.reshape(tf.slice(tf.reshape(out, [rows, blocks * width]), [0, 0], [rows, cols]), shape);
  });
}
