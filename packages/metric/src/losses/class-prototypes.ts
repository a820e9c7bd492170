import * as tf from '@tensorflow/tfjs-core';
import {
  checkClassIds,
  checkOption,
  type OptionSchema,
  oneHot,
  resolveOptions,
  type TensorInput,
} from '@xent/core';
import { embeddingsAndLabels } from '../internal/batch-inputs.js';

/** Options of {@link classPrototypes}. */
export interface ClassPrototypesOptions {
  /** Data checks (finite support, label range); turn off in hot loops. @defaultValue true */
  readonly validate?: boolean;
}

const OPTIONS: OptionSchema<ClassPrototypesOptions> = {
  validate: { type: 'boolean', description: 'data checks' },
};

/**
 * Class prototypes c_k = mean of the support embeddings of class k (Prototypical Networks), for
 * {@link protoTripletLoss}. Differentiable in `support`. A class with no support row gets a zero row.
 *
 * Errors: `SHAPE_MISMATCH` / `DTYPE_MISMATCH` for other shapes or dtypes, `EMPTY_BATCH` for S = 0,
 * `INVALID_OPTION` unless numClasses is a positive integer, and (with `validate`) `NON_FINITE_INPUT`
 * and `LABEL_OUT_OF_RANGE` for a label outside [0, numClasses) — never a silently dropped row. With
 * `validate: false` such a row contributes to no prototype (a one-hot of an out-of-range id is zero).
 *
 * @param support float32 `[S, D]`.  @param supportLabels int32 `[S]` in [0, numClasses).
 * @returns float32 `[numClasses, D]`.
 * @example const prototypes = classPrototypes(support, supportLabels, 5);
 */
export function classPrototypes(
  support: TensorInput,
  supportLabels: TensorInput,
  numClasses: number,
  options: ClassPrototypesOptions = {},
): tf.Tensor {
  const fn = 'classPrototypes';
  const { validate } = resolveOptions(fn, OPTIONS, options, { validate: true });
  checkOption(fn, 'numClasses', numClasses, {
    type: 'number',
    min: 1,
    integer: true,
    description: 'number of classes',
  });
  return tf.tidy(() => {
    const { x, y } = embeddingsAndLabels(fn, support, supportLabels, {
      names: ['support', 'supportLabels'],
      finite: validate,
    });
    if (validate) {
      checkClassIds(fn, 'supportLabels', y, numClasses);
    }
    const member = oneHot(y, numClasses); // [S, C]
    const sums = tf.matMul(tf.transpose(member), x);
    return tf.div(sums, tf.reshape(tf.maximum(tf.sum(member, 0), 1), [numClasses, 1]));
  });
}
