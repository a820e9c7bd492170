/**
 * Side-effect entry: registers the fused CCE kernels (WGSL) for tfjs's `webgpu` backend, so that
 * `linearCrossEntropy` with `impl: 'auto'` or `'fused'` uses them there.
 */
import { registerCceWebGpuKernels } from './webgpu/kernels.js';

registerCceWebGpuKernels();

export { type CceWebGpuLimits, setCceWebGpuLimits } from './webgpu/kernels.js';
