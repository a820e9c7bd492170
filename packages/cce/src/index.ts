export type { CceEngine, CceForward, CceGradients, CceSettings } from './engine.js';
export { registerFusedBackend } from './fused-engine.js';
export * from './kernels-api.js';
export { linearCrossEntropy } from './linear-cross-entropy.js';
export {
  type CceImpl,
  DEFAULT_GRAD_FILTER_EPS,
  type LinearCrossEntropyLseOptions,
  type LinearCrossEntropyOptions,
  type LinearCrossEntropyWithLse,
} from './options.js';
