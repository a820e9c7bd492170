export { alignGradients } from './align-gradients.js';
export { type DistLossOptions, distLoss } from './dist-loss.js';
export { type DkdLossOptions, dkdLoss } from './dkd-loss.js';
export { type DualHeadKdLossOptions, dualHeadKdLoss } from './dual-head-kd-loss.js';
export { type KdLossOptions, kdLoss } from './kd-loss.js';
export { type PldLossOptions, pldLoss } from './pld-loss.js';
export { standardizeLogits } from './softened.js';
