export { cosineSimilarity } from './distances/cosine-similarity.js';
export { type DotProductOptions, dotProduct } from './distances/dot-product.js';
export { type LpDistanceOptions, lpDistance } from './distances/lp-distance.js';
export { type MetricDistance, marginOf } from './distances/make-distance.js';
export type {
  ClassWeightFactoryOptions,
  ClassWeightInit,
  TrainableLoss,
} from './internal/trainable-class-weights.js';
export type { MiningInfo, ReferenceOptions, TupleOptions } from './internal/tuples.js';
export { type AngularLossOptions, angularLoss } from './losses/angular-loss.js';
export { type ArcFaceLossOptions, arcFaceLoss, createArcFaceLoss } from './losses/arc-face-loss.js';
export { type CircleLossOptions, circleLoss } from './losses/circle-loss.js';
export { type ClassPrototypesOptions, classPrototypes } from './losses/class-prototypes.js';
export { type ContrastiveLossOptions, contrastiveLoss } from './losses/contrastive-loss.js';
export { type CosFaceLossOptions, cosFaceLoss, createCosFaceLoss } from './losses/cos-face-loss.js';
export {
  type CreateMarginLossOptions,
  createMarginLoss,
  type MarginLossWithBeta,
} from './losses/create-margin-loss.js';
export {
  type CreateProxyAnchorLossOptions,
  createProxyAnchorLoss,
  type ProxyAnchorLossWithProxies,
} from './losses/create-proxy-anchor-loss.js';
export { type FastApLossOptions, fastApLoss } from './losses/fast-ap-loss.js';
export {
  generalizedLiftedStructureLoss,
  type LiftedStructureLossOptions,
} from './losses/generalized-lifted-structure-loss.js';
export { type HistogramLossOptions, histogramLoss } from './losses/histogram-loss.js';
export { type IcnnLossOptions, icnnLoss } from './losses/icnn-loss.js';
export { type InstanceLossOptions, instanceLoss } from './losses/instance-loss.js';
export {
  type IntraPairVarianceLossOptions,
  intraPairVarianceLoss,
} from './losses/intra-pair-variance-loss.js';
export {
  createLargeMarginSoftmaxLoss,
  type LargeMarginSoftmaxLossOptions,
  largeMarginSoftmaxLoss,
} from './losses/large-margin-softmax-loss.js';
export { liftedStructureLoss } from './losses/lifted-structure-loss.js';
export { type MarginLossOptions, marginLoss } from './losses/margin-loss.js';
export { type MultiSimilarityLossOptions, multiSimilarityLoss } from './losses/multi-similarity-loss.js';
export { type NcaLossOptions, ncaLoss } from './losses/nca-loss.js';
export {
  createNormalizedSoftmaxLoss,
  type NormalizedSoftmaxLossOptions,
  normalizedSoftmaxLoss,
} from './losses/normalized-softmax-loss.js';
export { type NtXentLossOptions, ntXentLoss } from './losses/nt-xent-loss.js';
export { type ProtoTripletLossOptions, protoTripletLoss } from './losses/proto-triplet-loss.js';
export { type ProxyAnchorLossOptions, proxyAnchorLoss } from './losses/proxy-anchor-loss.js';
export { createProxyNcaLoss, type ProxyNcaLossOptions, proxyNcaLoss } from './losses/proxy-nca-loss.js';
export {
  type CreateSoftTripleLossOptions,
  createSoftTripleLoss,
  type SoftTripleLossOptions,
  softTripleLoss,
} from './losses/soft-triple-loss.js';
export {
  createSphereFaceLoss,
  type SphereFaceLossOptions,
  sphereFaceLoss,
} from './losses/sphere-face-loss.js';
export {
  type CreateSubCenterArcFaceLossOptions,
  createSubCenterArcFaceLoss,
  type SubCenterArcFaceLossOptions,
  type SubCenterArcFaceOutliers,
  type SubCenterArcFaceOutliersOptions,
  subCenterArcFaceLoss,
  subCenterArcFaceOutliers,
} from './losses/sub-center-arc-face-loss.js';
export { type SupConLossOptions, supConLoss } from './losses/sup-con-loss.js';
export { type TcmLossOptions, tcmLoss } from './losses/tcm-loss.js';
export { type TripletMarginLossOptions, tripletMarginLoss } from './losses/triplet-margin-loss.js';
export {
  type AccuracyCalculatorOptions,
  type AccuracyMetric,
  type AccuracyResult,
  accuracyCalculator,
} from './metrics/accuracy-calculator.js';
export { adjustedMutualInformation } from './metrics/ami.js';
export type { HostInput, RetrievalMetricOptions } from './metrics/neighbours.js';
export { type NmiOptions, nmi } from './metrics/nmi.js';
export { type EpsilonOpisOptions, epsilonOpis, type OpisOptions, opis } from './metrics/opis.js';
export { mapAtR, precisionAt1, recallAtK, rPrecision } from './metrics/retrieval-metrics.js';
export { utilization } from './metrics/utilization.js';
export {
  type MetrixContrastiveLossOptions,
  metrixContrastiveLoss,
} from './metrix/metrix-contrastive-loss.js';
export {
  type MetrixBatch,
  type MetrixMixupOptions,
  type MetrixMode,
  metrixMixup,
} from './metrix/metrix-mixup.js';
export {
  type MetrixMultiSimilarityLossOptions,
  metrixMultiSimilarityLoss,
} from './metrix/metrix-multi-similarity-loss.js';
export {
  type BatchEasyHardMinerOptions,
  batchEasyHardMiner,
  type EasyHardStrategy,
} from './miners/batch-easy-hard-miner.js';
export { type BatchHardMinerOptions, batchHardMiner } from './miners/batch-hard-miner.js';
export {
  type DistanceWeightedMinerOptions,
  distanceWeightedMiner,
} from './miners/distance-weighted-miner.js';
export {
  type MultiSimilarityMinerOptions,
  multiSimilarityMiner,
} from './miners/multi-similarity-miner.js';
export { type PairMarginMinerOptions, pairMarginMiner } from './miners/pair-margin-miner.js';
export {
  type TripletMarginMinerOptions,
  type TripletType,
  tripletMarginMiner,
} from './miners/triplet-margin-miner.js';
export {
  type UniformHistogramMinerOptions,
  uniformHistogramMiner,
} from './miners/uniform-histogram-miner.js';
export {
  classWeightedReducer,
  type DivisorReducerOptions,
  divisorReducer,
  doNothingReducer,
  type PerAnchorReducerOptions,
  perAnchorReducer,
  type StructuredReducer,
  sumReducer,
} from './reducers/structured-reducers.js';
export {
  avgNonZeroReducer,
  type FilterReducer,
  meanReducer,
  type ThresholdReducerOptions,
  thresholdReducer,
  type WeightedLossPart,
} from './reducers/threshold-reducer.js';
export { centerInvariantRegularizer } from './regularizers/center-invariant-regularizer.js';
export { type LpRegularizerOptions, lpRegularizer } from './regularizers/lp-regularizer.js';
export { regularFaceRegularizer } from './regularizers/regular-face-regularizer.js';
export { type MPerClassBatchesOptions, mPerClassBatches } from './samplers/m-per-class-batches.js';
export {
  type CrossBatchMemory,
  type CrossBatchMemoryOptions,
  type CrossBatchMemoryState,
  crossBatchMemory,
  type ReferenceLoss,
} from './wrappers/cross-batch-memory.js';
export { sharePairwise } from './wrappers/share-pairwise.js';
