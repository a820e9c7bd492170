export { checkMinClasses } from './check-classes.js';
export { checkNonNegative } from './check-non-negative.js';
export {
  IGNORE_INDEX_OPTION,
  REDUCTION_OPTION,
  TENSOR_OPTION,
  VALIDATE_OPTION,
} from './common-options.js';
export {
  checkElements,
  dataChecksInFlight,
  type ElementRule,
  hostReadable,
  settleDataChecks,
  throwDeferredFailure,
  withDevicePaths,
} from './data-checks.js';
export {
  type AnyLossFn,
  type AnyLossSpec,
  defineLoss,
  type IgnoreIndexOptions,
  type InputSpec,
  type InputsOf,
  type LossContext,
  type LossFamily,
  type LossReference,
  type LossSpec,
  type LossSpecBase,
  type ReductionOptions,
  type ResolvedOptions,
} from './define-loss.js';
export { describeOptions, type OptionDescription } from './describe-options.js';
export { isXentError, XentError, type XentErrorCode, type XentErrorDetails } from './errors.js';
export { hostTidy } from './host-tidy.js';
export { allowSparseTargets, type LayersLossOptions, toLayersLoss } from './layers-loss.js';
export { flattenWeights, type LeadingDims } from './leading-dims.js';
export type {
  BatchLossCall,
  CommonOptions,
  InferredBatchSpec,
  InferredLossSpec,
  InferredOptions,
  InferredPerExampleSpec,
  LossArgs,
  LossCall,
  LossFn,
  LossOptions,
  NamedInputs,
  OptionSpecs,
  OptionsOf,
  ReducedLossCall,
} from './loss-types.js';
export { checkOption, invalidOption, type OptionSpec, type PluginKind, type Reduction } from './options.js';
export type { Distance, LossPart, Miner, PairIndices, Reducer, TripletIndices } from './plugins.js';
export { clampIds } from './primitives/clamp-ids.js';
export { classTargets, isClassIds } from './primitives/class-targets.js';
export { accumulateSum, consume } from './primitives/consume.js';
export { customGradient, type GradientFunction } from './primitives/custom-gradient.js';
export { detached } from './primitives/detached.js';
export { FLOAT32_MAX, saturateFloat32, scaledSquareSum } from './primitives/float32-range.js';
export { gatherRows, oneHot, pickClass } from './primitives/gather.js';
export { gatherRowsSparse } from './primitives/gather-rows-sparse.js';
export { inBatchCrossEntropy } from './primitives/in-batch-cross-entropy.js';
export { logAddExp } from './primitives/log-add-exp.js';
export { type LogSumExpOptions, logSumExp, normalizeAxis } from './primitives/log-sum-exp.js';
export { log1mExp } from './primitives/log1m-exp.js';
export { differentLabelMask, type LabelMaskOptions, sameLabelMask } from './primitives/masks.js';
export { matMulBT } from './primitives/mat-mul-bt.js';
export {
  cosineSimilarity,
  dotProduct,
  l2Distance,
  l2Normalize,
  safeSqrt,
  squaredL2,
} from './primitives/pairwise.js';
export { plackettLuceChoices } from './primitives/plackett-luce.js';
export { powNonNegative } from './primitives/pow-non-negative.js';
export { reverseLogCumSumExp } from './primitives/reverse-log-cum-sum-exp.js';
export { rowLogSumExp } from './primitives/row-log-sum-exp.js';
export {
  descendingRowOrder,
  descendingRowOrderOnDevice,
  invertRowPermutation,
  permuteRows,
  type RowOrder,
  rankRows,
  rowPositions,
  topkOnDevice,
} from './primitives/row-order.js';
export { saveShared } from './primitives/save-shared.js';
export { segmentSum } from './primitives/segment-sum.js';
export { logSoftmax, softmax } from './primitives/softmax.js';
export {
  labelPositions,
  type SparseSoftmaxCrossEntropyOptions,
  sparseSoftmaxCrossEntropy,
} from './primitives/sparse-cross-entropy.js';
export { stopGradient } from './primitives/stop-gradient.js';
export { type RowBlockWriter, rowBlockWriter, takeRows } from './primitives/take-rows.js';
export { seededRandom } from './random.js';
export { reduceLosses } from './reduce.js';
export { registry } from './registry.js';
export {
  closestName,
  type OptionSchema,
  optionSchemaOf,
  optionsObject,
  rejectUnknownOptions,
  resolveOptions,
  type SchemaEntry,
  type WithDefaults,
} from './resolve-options.js';
export { seededNormal } from './seeded-normal.js';
export { describeTensor, type InputDType, inferShape, type TensorInput, toTensor } from './tensor-input.js';
export {
  checkTupleIndices,
  type MiningInfo,
  type ReferenceSet,
  type ReferenceSetOptions,
  referenceSet,
  selectTuples,
  type TupleOptions,
  type Tuples,
} from './tuple-indices.js';
export {
  checkClassIds,
  checkFinite,
  checkNonEmpty,
  checkShape,
  checkValueRange,
  type Dim,
  type DimBindings,
  readSyncIfPossible,
} from './validate.js';
