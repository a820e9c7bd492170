// One export line per loss, sorted by file name (part A and part B each append theirs).

export {
  type ActivePassiveLossOptions,
  type ActiveTerm,
  activePassiveLoss,
  type PassiveTerm,
} from './active-passive-loss.js';
export { type AdversarialCompSumLossOptions, adversarialCompSumLoss } from './adversarial-comp-sum.js';
export { type AldrKlLossOptions, type AldrKlState, aldrKlLoss, createAldrKlState } from './aldr-kl.js';
export { type AnyLossMetric, type AnyLossOptions, anyLoss } from './any-loss.js';
export { type AsymmetricLossOptions, asymmetricLoss } from './asymmetric-loss.js';
export { type BinaryCrossEntropyLossOptions, binaryCrossEntropyLoss } from './binary-cross-entropy.js';
export { type BinaryFocalLossOptions, binaryFocalLoss } from './binary-focal-loss.js';
export { type CompSumLossOptions, compSumLoss } from './comp-sum.js';
export { type CrossEntropyLossOptions, crossEntropyLoss } from './cross-entropy.js';
export { type DualFocalLossOptions, dualFocalLoss } from './dual-focal-loss.js';
export { type ErrorNormTruncationOptions, errorNormTruncation } from './error-norm-truncation.js';
export { type FocalLossOptions, focalLoss } from './focal-loss.js';
export { type GceLossOptions, gceLoss } from './gce.js';
export { type HingeLossOptions, hingeLoss } from './hinge-loss.js';
export type { LdrNormalization } from './internal/ldr.js';
export { type LdrKlLossOptions, ldrKlLoss } from './ldr-kl.js';
export { type LogitClipOptions, logitClip } from './logit-clip.js';
export { type MaeLossOptions, maeLoss } from './mae.js';
export { type MaxSupLossOptions, maxSupLoss } from './max-sup-loss.js';
export {
  type NormalizedCrossEntropyLossOptions,
  normalizedCrossEntropyLoss,
} from './normalized-cross-entropy-loss.js';
export { type PassAtNLossOptions, passAtNLoss } from './pass-at-n-loss.js';
export { type PolyLossOptions, polyLoss } from './poly-loss.js';
export {
  type ReverseCrossEntropyLossOptions,
  reverseCrossEntropyLoss,
} from './reverse-cross-entropy-loss.js';
export { type SelfAdjustingDiceLossOptions, selfAdjustingDiceLoss } from './self-adjusting-dice-loss.js';
export { type SquaredHingeLossOptions, squaredHingeLoss } from './squared-hinge-loss.js';
export { type SquentropyLossOptions, squentropyLoss } from './squentropy.js';
export { type ZLossOptions, zLoss } from './z-loss.js';
