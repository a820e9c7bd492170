export { type AngleLossOptions, angleLoss } from './angle-loss.js';
export {
  type BatchSamplerOptions,
  groupByLabelBatches,
  noDuplicatesBatches,
  type SampleId,
} from './batch-samplers.js';
export {
  type CachedContrastiveOptions,
  type CachedContrastiveResult,
  cachedContrastive,
} from './cached-contrastive.js';
export { type CosentLossOptions, cosentLoss } from './cosent-loss.js';
export {
  type CosineSimilarityLossOptions,
  cosineSimilarityLoss,
} from './cosine-similarity-loss.js';
export {
  type DebiasedContrastiveLossOptions,
  debiasedContrastiveLoss,
} from './debiased-contrastive-loss.js';
export {
  type DecoupledContrastiveLossOptions,
  decoupledContrastiveLoss,
} from './decoupled-contrastive-loss.js';
export { type DecoupledSoftmaxLossOptions, decoupledSoftmaxLoss } from './decoupled-softmax-loss.js';
export { type Ge2eLossOptions, ge2eLoss } from './ge2e-loss.js';
export { type GistEmbedLossOptions, gistEmbedLoss } from './gist-embed-loss.js';
export {
  type InfoNceDirection,
  type InfoNceHardnessMode,
  type InfoNceLossOptions,
  infoNceLoss,
} from './info-nce-loss.js';
export type { ScalarInput } from './internal/options.js';
export type { BatchIds } from './internal/relevance.js';
export type { WeightingScheme } from './internal/rerank.js';
export type { SimilarityKind } from './internal/similarity.js';
export { type LambdaLossOptions, lambdaLoss } from './lambda-loss.js';
export { type ListMleLossOptions, listMleLoss } from './list-mle-loss.js';
export { type ListNetLossOptions, listNetLoss } from './list-net-loss.js';
export { type MarginMseLossOptions, marginMseLoss } from './margin-mse-loss.js';
export { type MatryoshkaLossOptions, matryoshkaLoss } from './matryoshka-loss.js';
export { type MegaBatchMarginLossOptions, megaBatchMarginLoss } from './mega-batch-margin-loss.js';
export { mapAtK } from './metrics/map-at-k.js';
export { mrrAtK } from './metrics/mrr-at-k.js';
export { type NdcgAtKOptions, ndcgAtK } from './metrics/ndcg-at-k.js';
export type { TopKOptions } from './metrics/ranking.js';
export { recallAtK } from './metrics/recall-at-k.js';
export { type RocAucOptions, rocAuc } from './metrics/roc-auc.js';
export {
  type MinedNegatives,
  type MineHardNegativesOptions,
  mineHardNegatives,
} from './mine-hard-negatives.js';
export { type MwLossOptions, mwLoss } from './mw-loss.js';
export { type PListMleLossOptions, pListMleLoss } from './p-list-mle-loss.js';
export { type RankNetLossOptions, rankNetLoss } from './rank-net-loss.js';
export {
  type CreateSigmoidLossOptions,
  createSigmoidLoss,
  type LearnableSigmoidLoss,
  type SigmoidLossOptions,
  sigmoidLoss,
} from './sigmoid-loss.js';
export { type SoftTopKLossOptions, softTopKLoss } from './soft-top-k-loss.js';
