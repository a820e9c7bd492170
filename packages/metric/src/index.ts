export { cosineSimilarity } from './distances/cosine-similarity.js';
export { type DotProductOptions, dotProduct } from './distances/dot-product.js';
export { type LpDistanceOptions, lpDistance } from './distances/lp-distance.js';
export { type MetricDistance, marginOf } from './distances/make-distance.js';
export type { MiningInfo, TupleOptions } from './internal/tuples.js';
export { type CircleLossOptions, circleLoss } from './losses/circle-loss.js';
export { type ClassPrototypesOptions, classPrototypes } from './losses/class-prototypes.js';
export { type ContrastiveLossOptions, contrastiveLoss } from './losses/contrastive-loss.js';
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
export { type IcnnLossOptions, icnnLoss } from './losses/icnn-loss.js';
export { type MarginLossOptions, marginLoss } from './losses/margin-loss.js';
export { type MultiSimilarityLossOptions, multiSimilarityLoss } from './losses/multi-similarity-loss.js';
export { type NtXentLossOptions, ntXentLoss } from './losses/nt-xent-loss.js';
export { type ProtoTripletLossOptions, protoTripletLoss } from './losses/proto-triplet-loss.js';
export { type ProxyAnchorLossOptions, proxyAnchorLoss } from './losses/proxy-anchor-loss.js';
export { type SupConLossOptions, supConLoss } from './losses/sup-con-loss.js';
export { type TcmLossOptions, tcmLoss } from './losses/tcm-loss.js';
export { type TripletMarginLossOptions, tripletMarginLoss } from './losses/triplet-margin-loss.js';
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
export { type BatchHardMinerOptions, batchHardMiner } from './miners/batch-hard-miner.js';
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
  avgNonZeroReducer,
  type FilterReducer,
  meanReducer,
  type ThresholdReducerOptions,
  thresholdReducer,
  type WeightedLossPart,
} from './reducers/threshold-reducer.js';
