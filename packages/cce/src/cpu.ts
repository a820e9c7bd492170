/**
 * Side-effect entry `@xent/cce/cpu`: registers the fused CCE kernels for tfjs's `cpu` backend, so that
 * `linearCrossEntropy` with `impl: 'auto'` or `'fused'` uses them there. Importing it twice (or its
 * ESM and CJS builds in one process) registers once.
 */
import { registerCceCpuKernels } from './cpu-kernels.js';

registerCceCpuKernels();
