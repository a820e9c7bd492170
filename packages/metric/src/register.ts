import { registry } from '@xent/core';
import {
  circleLoss,
  contrastiveLoss,
  icnnLoss,
  marginLoss,
  metrixContrastiveLoss,
  metrixMultiSimilarityLoss,
  multiSimilarityLoss,
  ntXentLoss,
  protoTripletLoss,
  proxyAnchorLoss,
  supConLoss,
  tcmLoss,
  tripletMarginLoss,
} from './index.js';

for (const loss of [
  tripletMarginLoss,
  contrastiveLoss,
  marginLoss,
  multiSimilarityLoss,
  tcmLoss,
  circleLoss,
  supConLoss,
  ntXentLoss,
  proxyAnchorLoss,
  protoTripletLoss,
  icnnLoss,
  metrixContrastiveLoss,
  metrixMultiSimilarityLoss,
]) {
  registry.register(loss);
}
