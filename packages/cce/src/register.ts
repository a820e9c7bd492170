/**
 * Side-effect entry: registers the fused CCE kernels for tfjs's `cpu` backend, so that
 * `linearCrossEntropy` with `impl: 'auto'` or `'fused'` uses them there.
 */
import { registerCceCpuKernels } from './cpu-kernels.js';

registerCceCpuKernels();
