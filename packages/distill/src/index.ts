export { alignGradients } from './align-gradients.js';
export { type DistLossOptions, distLoss } from './dist-loss.js';
export type { DivergenceOptions } from './divergence.js';
export { type DkdLossOptions, dkdLoss } from './dkd-loss.js';
export {
  createDualHeadClassifier,
  type DualHeadClassifier,
  type DualHeadClassifierOptions,
} from './dual-head-classifier.js';
export { type DualHeadKdLossOptions, dualHeadKdLoss } from './dual-head-kd-loss.js';
export { type JsdLossOptions, jsdLoss } from './jsd-loss.js';
export { type KdLossOptions, kdLoss } from './kd-loss.js';
export { type PldLossOptions, pldLoss } from './pld-loss.js';
export { type ReverseKlLossOptions, reverseKlLoss } from './reverse-kl-loss.js';
export { type SkewKlLossOptions, skewKlLoss } from './skew-kl-loss.js';
export { type SkewReverseKlLossOptions, skewReverseKlLoss } from './skew-reverse-kl-loss.js';
export { standardizeLogits } from './softened.js';
export { type SparseKdLossOptions, type SparseTeacherTail, sparseKdLoss } from './sparse-kd-loss.js';
export { type TvdLossOptions, tvdLoss } from './tvd-loss.js';
