// The only module with side effects: registers every loss of @xent/retrieval with the core registry.
import { registry } from '@xent/core';
import { angleLoss } from './angle-loss.js';
import { cosentLoss } from './cosent-loss.js';
import { cosineSimilarityLoss } from './cosine-similarity-loss.js';
import { debiasedContrastiveLoss } from './debiased-contrastive-loss.js';
import { decoupledContrastiveLoss } from './decoupled-contrastive-loss.js';
import { decoupledSoftmaxLoss } from './decoupled-softmax-loss.js';
import { ge2eLoss } from './ge2e-loss.js';
import { gistEmbedLoss } from './gist-embed-loss.js';
import { infoNceLoss } from './info-nce-loss.js';
import { lambdaLoss } from './lambda-loss.js';
import { listMleLoss } from './list-mle-loss.js';
import { listNetLoss } from './list-net-loss.js';
import { marginMseLoss } from './margin-mse-loss.js';
import { megaBatchMarginLoss } from './mega-batch-margin-loss.js';
import { mwLoss } from './mw-loss.js';
import { pListMleLoss } from './p-list-mle-loss.js';
import { rankNetLoss } from './rank-net-loss.js';
import { sigmoidLoss } from './sigmoid-loss.js';
import { softTopKLoss } from './soft-top-k-loss.js';

for (const loss of [
  mwLoss,
  infoNceLoss,
  decoupledSoftmaxLoss,
  softTopKLoss,
  sigmoidLoss,
  debiasedContrastiveLoss,
  decoupledContrastiveLoss,
  ge2eLoss,
  marginMseLoss,
  cosentLoss,
  angleLoss,
  cosineSimilarityLoss,
  gistEmbedLoss,
  rankNetLoss,
  listNetLoss,
  listMleLoss,
  pListMleLoss,
  lambdaLoss,
  megaBatchMarginLoss,
]) {
  registry.register(loss);
}
