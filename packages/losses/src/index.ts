// One export line per loss, sorted by file name (part A and part B each append theirs).
export { type AdversarialCompSumLossOptions, adversarialCompSumLoss } from './adversarial-comp-sum.js';
export { type AldrKlLossOptions, type AldrKlState, aldrKlLoss, createAldrKlState } from './aldr-kl.js';
export { type CompSumLossOptions, compSumLoss } from './comp-sum.js';
export { type CrossEntropyLossOptions, crossEntropyLoss } from './cross-entropy.js';
export { type GceLossOptions, gceLoss } from './gce.js';
export type { LdrNormalization } from './internal/ldr.js';
export { type LdrKlLossOptions, ldrKlLoss } from './ldr-kl.js';
export { type MaeLossOptions, maeLoss } from './mae.js';
export { type SquentropyLossOptions, squentropyLoss } from './squentropy.js';
export { type ZLossOptions, zLoss } from './z-loss.js';
