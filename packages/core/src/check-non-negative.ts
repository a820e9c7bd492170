import * as tf from '@tensorflow/tfjs-core';
import { checkElements } from './data-checks.js';
import { checkFinite } from './validate.js';

/**
 * Throws `NON_FINITE_INPUT` on a NaN/±Inf and `INVALID_OPTION` on a negative value of a weight tensor
 * (per-example `weights`, per-class `classWeights`, …), naming the argument and the first bad position.
 * Deferred on webgl/webgpu like every data check (see `settleDataChecks`).
 *
 * @param expected what the message says was expected. @defaultValue 'values ≥ 0'
 * @example checkNonNegative('myLoss', 'options.classWeights', classWeights);
 */
export function checkNonNegative(
  fn: string,
  argument: string,
  tensor: tf.Tensor,
  expected = 'values ≥ 0',
): void {
  checkFinite(fn, argument, tensor);
  checkElements(fn, argument, tensor, {
    code: 'INVALID_OPTION',
    expected,
    isBad: (w) => w < 0,
    badMask: (w) => tf.less(w, 0),
  });
}
