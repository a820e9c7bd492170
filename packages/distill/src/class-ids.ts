import type * as tf from '@tensorflow/tfjs-core';
import { checkMinClasses, describeTensor, XentError } from '@xent/core';

/** Losses that need the true class (DKD, PLD) take int32 ids only, not soft `[N, C]` targets. */
export function requireClassIds(fn: string, labels: tf.Tensor): void {
  if (labels.dtype !== 'int32') {
    throw new XentError('DTYPE_MISMATCH', {
      fn,
      argument: 'labels',
      expected: 'int32 class ids [N] (this loss needs the true class, not soft targets)',
      received: describeTensor(labels),
    });
  }
}

/** Losses built on a target/non-target split need at least two classes. */
export function requireTwoClasses(fn: string, argument: string, logits: tf.Tensor): void {
  checkMinClasses(fn, argument, logits, 2);
}
