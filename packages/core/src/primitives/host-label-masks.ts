import * as tf from '@tensorflow/tfjs-core';
import { readSyncIfPossible } from '../validate.js';

/**
 * The bool `[N, M]` label comparison grid `labels[i] = other[j]` (`same`) or `≠`, the diagonal set to
 * false when `excludeDiagonal`, built on the host where the labels are readable (cpu, wasm): one loop
 * over N·M and one upload, instead of the device grid (two matmuls, a comparison, and with the
 * diagonal an eye, a logical not and a logical and, each over `[N, M]`: ~5 ms at N = M = 512 on
 * tfjs-wasm). `undefined` on webgl/webgpu, where reading would be a synchronous GPU round trip.
 */
export function hostLabelMask(
  labels: tf.Tensor,
  other: tf.Tensor | undefined,
  same: boolean,
  excludeDiagonal: boolean,
): tf.Tensor | undefined {
  const rows = readSyncIfPossible(labels);
  if (!rows) return undefined;
  const cols = other ? other.dataSync() : rows;
  const [n, m] = [rows.length, cols.length];
  const mask = new Uint8Array(n * m);
  for (let i = 0; i < n; i++) {
    const id = rows[i];
    for (let j = 0; j < m; j++) if ((id === cols[j]) === same) mask[i * m + j] = 1;
    if (excludeDiagonal && i < m) mask[i * m + i] = 0;
  }
  return tf.tensor(mask, [n, m], 'bool');
}
