import type * as tf from '@tensorflow/tfjs-core';
import { readSyncIfPossible, XentError } from '@xent/core';

/** Throws `LABEL_OUT_OF_RANGE` unless every entry of a 0/1 mask is exactly 0 or 1 (skipped where unreadable). */
export function checkBinaryMask(fn: string, argument: string, mask: tf.Tensor): void {
  const data = readSyncIfPossible(mask);
  if (data === undefined) return;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0 && data[i] !== 1) {
      throw new XentError('LABEL_OUT_OF_RANGE', {
        fn,
        argument,
        expected: 'a 0/1 mask',
        received: `${data[i]} at flat index ${i}`,
      });
    }
  }
}
