import * as tf from '@tensorflow/tfjs-core';
import { type AnyLossFn, settleDataChecks, type TensorInput, withDevicePaths } from '@xent/core';
import { expectClose, type Tolerance } from './close.js';
import { inputTensors } from './inputs.js';

/**
 * Checks that `loss`'s device path (what it runs on webgl/webgpu: device sorts, no synchronous reads)
 * agrees with its host path on the active backend (cpu or wasm): the value and the gradient with
 * respect to the first input, computed once as usual and once inside core's `withDevicePaths`, within
 * `tolerance` (default 1e-5 absolute and relative). Settles the data checks the device path deferred.
 *
 * @example await expectDevicePathAgrees(listMleLoss, [scores, labels], { respectInputOrder: false });
 */
export async function expectDevicePathAgrees(
  loss: AnyLossFn,
  inputs: readonly TensorInput[],
  options: Record<string, unknown> = {},
  tolerance: Tolerance = { atol: 1e-5, rtol: 1e-5 },
): Promise<void> {
  const tensors = inputTensors(loss, inputs);
  const [first, ...rest] = tensors;
  const run = () => tf.valueAndGrad((x: tf.Tensor) => loss(x, ...rest, options) as tf.Tensor)(first!);
  const host = run();
  const device = withDevicePaths(run);
  await settleDataChecks();
  const label = `${loss.spec.name} ${JSON.stringify(options)}`;
  expectClose(device.value, host.value, { ...tolerance, message: `${label}: value, device vs host path` });
  expectClose(device.grad, host.grad, { ...tolerance, message: `${label}: gradient, device vs host path` });
  tf.dispose([host.value, host.grad, device.value, device.grad]);
  tf.dispose(tensors.filter((t, i) => t !== inputs[i]));
}
