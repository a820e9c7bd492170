export type { CceEngine, CceForward, CceGradients, CceSettings } from './engine.js';
export {
  CCE_BACKWARD_CLASSIFIER,
  CCE_BACKWARD_EMBEDDINGS,
  CCE_FORWARD,
  type CceKernelAttrs,
  type FusedBackend,
  registerFusedBackend,
} from './fused-engine.js';
export { linearCrossEntropy } from './linear-cross-entropy.js';
export {
  type CceImpl,
  DEFAULT_GRAD_FILTER_EPS,
  type LinearCrossEntropyLseOptions,
  type LinearCrossEntropyOptions,
  type LinearCrossEntropyWithLse,
} from './options.js';
