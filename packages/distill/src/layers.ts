/**
 * `@xent/distill/layers`: helpers that build tfjs-layers models. Kept out of the main entry so that
 * users of the losses alone (with `@tensorflow/tfjs-core`) do not bundle tfjs-layers.
 */
export {
  createDualHeadClassifier,
  type DualHeadClassifier,
  type DualHeadClassifierOptions,
} from './dual-head-classifier.js';
