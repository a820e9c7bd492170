/**
 * The main entry as Node resolves it (the `node` export condition of `@xent/cce`): everything the
 * main entry exports, with a `linearCrossEntropy` that registers the fused cpu kernels on first use on
 * tfjs's `cpu` backend, so `impl: 'auto'` there never falls back to the slower chunked composite
 * without `import '@xent/cce/cpu'`. Browsers and bundlers resolve the main entry without the kernels
 * (their bytes stay out of a web bundle). Same types, same behaviour otherwise; no side effect at import.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerCceCpuKernels } from './cpu-kernels.js';
import { CCE_FORWARD } from './kernels-api.js';
import { linearCrossEntropy as mainEntry } from './linear-cross-entropy.js';

export * from './index.js';

/**
 * {@link mainEntry} (see there), registering the cpu kernels first when the backend is `cpu` and the
 * call may use them (`impl` other than `'chunked'`).
 */
export const linearCrossEntropy = ((...args: Parameters<typeof mainEntry>) => {
  // Once: `@xent/cce/cpu` and this entry's ESM and CJS builds share tfjs's kernel registry.
  if (args[3]?.impl !== 'chunked' && tf.getBackend() === 'cpu' && !tf.getKernel(CCE_FORWARD, 'cpu'))
    registerCceCpuKernels();
  return mainEntry(...args);
}) as typeof mainEntry;
