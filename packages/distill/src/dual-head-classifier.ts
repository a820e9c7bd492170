import * as tfl from '@tensorflow/tfjs-layers';
import { invalidOption, type OptionSchema, resolveOptions } from '@xent/core';

/** Options for {@link createDualHeadClassifier}. */
export interface DualHeadClassifierOptions {
  /** Number of classes C of both heads. */
  readonly numClasses: number;
  /** Size of a flat input `[N, inputDim]`, when no `featureModel` is given. */
  readonly inputDim?: number;
  /** ReLU hidden layer sizes between the flat input and the features (with `inputDim`). @defaultValue [] */
  readonly hidden?: readonly number[];
  /** A backbone whose (single) output are the shared features; its inputs become the model's inputs. */
  readonly featureModel?: tfl.LayersModel;
  /**
   * Hidden size of a non-linear auxiliary head (the official `NonLinearClassifier`:
   * Dense → Dropout(0.1) → BatchNorm → ReLU → Dense). Omitted: a linear auxiliary head (the default there).
   */
  readonly auxHidden?: number;
  /** Layer name prefix. @defaultValue 'dual_head' */
  readonly name?: string;
}

/** The two views of a dual-head classifier; they share every layer. */
export interface DualHeadClassifier {
  /** Training model: outputs `[mainLogits, auxLogits]`, both `[N, C]`. */
  readonly model: tfl.LayersModel;
  /** Inference model: the main head only, `[N, C]`. */
  readonly inference: tfl.LayersModel;
}

const OPTIONS: OptionSchema<DualHeadClassifierOptions> = {
  numClasses: { type: 'number', min: 1, integer: true, required: true, description: 'number of classes' },
  inputDim: { type: 'number', min: 1, integer: true, description: 'size of a flat input' },
  hidden: { type: 'other', description: 'hidden layer sizes' },
  featureModel: { type: 'other', description: 'a backbone LayersModel' },
  auxHidden: { type: 'number', min: 1, integer: true, description: 'hidden size of the auxiliary head' },
  name: { type: 'other', description: 'layer name prefix' },
};

/**
 * Builds the dual-head classifier of dual-head KD (Yang et al., KDD 2025): shared features, a linear
 * main head (trained with CE, used at inference) and an auxiliary head (trained with the logit-level
 * loss of {@link dualHeadKdLoss}). Both heads output logits (no softmax).
 *
 * @returns `{ model, inference }` sharing weights; train `model`, deploy `inference`.
 * @see https://arxiv.org/abs/2411.08937
 * @example
 * const { model, inference } = createDualHeadClassifier({ inputDim: 784, hidden: [32], numClasses: 10 });
 * const [main, aux] = model.apply(x) as tf.Tensor[];
 */
export function createDualHeadClassifier(options: DualHeadClassifierOptions): DualHeadClassifier {
  const fn = 'createDualHeadClassifier';
  const { numClasses, inputDim, featureModel, auxHidden } = resolveOptions(fn, OPTIONS, options);
  const name = options.name ?? 'dual_head';
  const positiveInteger = (value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0;
  if (!positiveInteger(numClasses)) invalidOption(fn, 'numClasses', 'a positive integer', numClasses);
  if ((inputDim === undefined) === (featureModel === undefined)) {
    invalidOption(fn, 'inputDim', 'exactly one of inputDim and featureModel', inputDim ?? 'neither');
  }
  if (inputDim !== undefined && !positiveInteger(inputDim))
    invalidOption(fn, 'inputDim', 'a positive integer', inputDim);
  if (auxHidden !== undefined && !positiveInteger(auxHidden))
    invalidOption(fn, 'auxHidden', 'a positive integer', auxHidden);
  if (options.name !== undefined && typeof options.name !== 'string')
    invalidOption(fn, 'name', 'a string', options.name);
  if (options.hidden !== undefined && !Array.isArray(options.hidden))
    invalidOption(fn, 'hidden', 'an array of positive integer sizes', options.hidden);
  for (const size of options.hidden ?? []) {
    if (!positiveInteger(size)) invalidOption(fn, 'hidden', 'positive integer sizes', size);
  }

  let inputs: tfl.SymbolicTensor[];
  let features: tfl.SymbolicTensor;
  if (featureModel) {
    inputs = featureModel.inputs;
    features = featureModel.outputs[0]!;
  } else {
    const input = tfl.input({ shape: [inputDim!], name: `${name}_input` });
    inputs = [input];
    features = input;
    (options.hidden ?? []).forEach((units, i) => {
      features = tfl.layers
        .dense({ units, activation: 'relu', name: `${name}_hidden${i}` })
        .apply(features) as tfl.SymbolicTensor;
    });
  }
  const main = tfl.layers
    .dense({ units: numClasses, name: `${name}_main` })
    .apply(features) as tfl.SymbolicTensor;
  let aux: tfl.SymbolicTensor;
  if (auxHidden === undefined) {
    aux = tfl.layers.dense({ units: numClasses, name: `${name}_aux` }).apply(features) as tfl.SymbolicTensor;
  } else {
    let h = tfl.layers
      .dense({ units: auxHidden, name: `${name}_aux_hidden` })
      .apply(features) as tfl.SymbolicTensor;
    h = tfl.layers.dropout({ rate: 0.1, name: `${name}_aux_dropout` }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.batchNormalization({ name: `${name}_aux_bn` }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.reLU({ name: `${name}_aux_relu` }).apply(h) as tfl.SymbolicTensor;
    aux = tfl.layers.dense({ units: numClasses, name: `${name}_aux` }).apply(h) as tfl.SymbolicTensor;
  }
  return {
    model: tfl.model({ inputs, outputs: [main, aux], name }),
    inference: tfl.model({ inputs, outputs: main, name: `${name}_inference` }),
  };
}
