// Type tests, checked by `tsc --noEmit` (the package's typecheck); vitest does not run this file.
import * as tf from '@tensorflow/tfjs-core';
import {
  classTargets,
  defineLoss,
  type IgnoreIndexOptions,
  isClassIds,
  type LossOptions,
  logSoftmax,
  pickClass,
  type ReductionOptions,
  type TensorInput,
  toLayersLoss,
} from '@xent/core';
import { expectTypeOf } from 'vitest';
import { myLoss as readmeLoss } from './fixtures/readme-loss.js';

// The core README example, as written: no type arguments.
export const myLoss = defineLoss({
  id: 'acme/my-loss',
  name: 'myLoss',
  family: 'classification',
  summary: 'Scaled negative log-likelihood.',
  inputs: [
    { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'class scores' },
    { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'ids [N] or targets [N, C]' },
  ],
  defaults: { scale: 1 },
  options: {
    scale: { type: 'number', min: 0, description: 'multiplier' },
    mode: { type: 'enum', values: ['fast', 'exact'], description: 'how' },
    clip: { type: 'boolean', description: 'clip' },
  },
  perExample: ({ logits, labels }, { scale, mode, clip }, { numClasses }) => {
    expectTypeOf(scale).toEqualTypeOf<number>();
    expectTypeOf(mode).toEqualTypeOf<'fast' | 'exact' | undefined>();
    expectTypeOf(clip).toEqualTypeOf<boolean | undefined>();
    const targets = classTargets(labels, numClasses!);
    return tf.mul(tf.neg(tf.sum(tf.mul(targets, logSoftmax(logits)), -1)), scale);
  },
});

const logits = tf.zeros([2, 3]);
const ids = [0, 2];

// Named parameters and the common options, without type arguments.
expectTypeOf(myLoss).parameter(0).toEqualTypeOf<TensorInput>();
expectTypeOf<Parameters<typeof myLoss>>().toEqualTypeOf<
  [logits: TensorInput, labels: TensorInput, options?: LossOptions<typeof myLoss>]
>();
expectTypeOf<LossOptions<typeof myLoss>>().toEqualTypeOf<{
  readonly scale?: number;
  readonly mode?: 'fast' | 'exact';
  readonly clip?: boolean;
  readonly reduction?: 'none' | 'sum' | 'mean';
  readonly weights?: TensorInput;
  readonly validate?: boolean;
  readonly ignoreIndex?: number;
}>();
myLoss(logits, ids, { reduction: 'sum', weights: [1, 2], ignoreIndex: -100, scale: 2 });
// @ts-expect-error unknown option
myLoss(logits, ids, { scal: 2 });
// @ts-expect-error wrong option type
myLoss(logits, ids, { scale: '2' });
// @ts-expect-error not an enum value
myLoss(logits, ids, { mode: 'slow' });
// @ts-expect-error missing labels
myLoss(logits);

// The result type follows the reduction.
expectTypeOf(myLoss(logits, ids)).toEqualTypeOf<tf.Scalar>();
expectTypeOf(myLoss(logits, ids, { reduction: 'mean' })).toEqualTypeOf<tf.Scalar>();
expectTypeOf(myLoss(logits, ids, { reduction: 'sum', scale: 3 })).toEqualTypeOf<tf.Scalar>();
expectTypeOf(myLoss(logits, ids, { reduction: 'none' })).toEqualTypeOf<tf.Tensor1D>();
declare const reduction: 'none' | 'sum' | 'mean';
expectTypeOf(myLoss(logits, ids, { reduction })).toEqualTypeOf<tf.Tensor>();
// optimizer.minimize needs a scalar: no cast.
tf.train.sgd(0.1).minimize(() => myLoss(logits, ids));

// No labels input: no ignoreIndex. Unknown input names show as `input`.
const pairLoss = defineLoss({
  id: '@acme/pairs/pair-loss',
  name: 'pairLoss',
  family: 'metric',
  summary: 'Squared distance of paired rows.',
  inputs: [
    { name: 'embeddings', dtype: 'float32', shape: ['N', 'D'], description: 'rows' },
    { name: 'spans', dtype: 'float32', shape: ['N', 'D'], description: 'paired rows' },
  ],
  defaults: {},
  perExample: ({ embeddings, spans }) => tf.sum(tf.square(tf.sub(embeddings, spans)), -1),
});
expectTypeOf<Parameters<typeof pairLoss>>().toEqualTypeOf<
  [embeddings: TensorInput, input: TensorInput, options?: LossOptions<typeof pairLoss>]
>();
// @ts-expect-error no labels, so no ignoreIndex
pairLoss(logits, logits, { ignoreIndex: 0 });

// A batch-level loss takes only `validate` and always returns a scalar.
const batchLoss = defineLoss({
  id: 'acme/batch',
  name: 'batchLoss',
  family: 'metric',
  summary: 'Mean of all entries, batch-level.',
  inputs: [{ name: 'scores', dtype: 'float32', shape: ['N', 'M'], description: 'scores' }],
  defaults: { margin: 0.5 },
  batch: ({ scores }, { margin }) => tf.add(tf.mean(scores), margin),
});
expectTypeOf(batchLoss(logits, { margin: 1, validate: false })).toEqualTypeOf<tf.Scalar>();
// @ts-expect-error batch losses take no reduction
batchLoss(logits, { reduction: 'none' });

// Explicit type arguments still work, and type the callable the same way.
interface FocalishOptions extends ReductionOptions, IgnoreIndexOptions {
  readonly gamma?: number;
}
const focalish = defineLoss<
  readonly [
    { name: 'logits'; dtype: 'float32'; shape: ['N', 'C']; description: 'scores' },
    { name: 'labels'; dtype: 'labels'; shape: ['N', 'C']; description: 'classes' },
  ],
  FocalishOptions,
  { gamma: number }
>({
  id: 'acme/focalish',
  name: 'focalish',
  family: 'classification',
  summary: 'A focal-like loss for the type tests.',
  inputs: [
    { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'scores' },
    { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'classes' },
  ],
  defaults: { gamma: 2 },
  perExample: ({ logits }, { gamma }) => tf.mul(tf.sum(logits, -1), gamma),
});
expectTypeOf<Parameters<typeof focalish>>().toEqualTypeOf<
  [logits: TensorInput, labels: TensorInput, options?: FocalishOptions]
>();
expectTypeOf(focalish(logits, ids, { reduction: 'none' })).toEqualTypeOf<tf.Tensor1D>();

// toLayersLoss takes the loss's own options.
toLayersLoss(focalish, { gamma: 1 });
toLayersLoss(myLoss, { scale: 2 });
// @ts-expect-error misspelled option
toLayersLoss(focalish, { gama: 2 });
// @ts-expect-error wrong type
toLayersLoss(myLoss, { scale: 'big' });

// The README example (test/fixtures/readme-loss.ts holds it verbatim): ids, one-hot targets, reductions.
const readmeLogits = tf.randomNormal([4, 3]);
expectTypeOf(
  readmeLoss(readmeLogits, [0, 2, 1, 0], { reduction: 'sum', weights: [1, 1, 2, 0], ignoreIndex: -100 }),
).toEqualTypeOf<tf.Scalar>();
readmeLoss(readmeLogits, tf.oneHot(tf.tensor1d([0, 2, 1, 0], 'int32'), 3).toFloat(), { scale: 2 });
expectTypeOf(readmeLoss(readmeLogits, [0, 2, 1, 0], { reduction: 'none' })).toEqualTypeOf<tf.Tensor1D>();

// docs/writing-a-plugin.md's example loss, verbatim.
export const taylorLoss = /* @__PURE__ */ defineLoss({
  id: '@acme/taylor-ce/taylor', // '<package>/<loss>', scoped packages as they are
  name: 'taylorLoss', // the export's name: errors say "taylorLoss(labels): …"
  family: 'classification',
  summary: 'Taylor expansion of cross-entropy, robust to label noise.',
  reference: {
    title: 'Can Cross Entropy Loss Be Robust to Label Noise?',
    url: 'https://www.ijcai.org/proceedings/2020/305',
    year: 2020,
  },
  inputs: [
    { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'class scores' },
    { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'ids [N] or targets [N, C]' },
  ],
  defaults: { order: 2 },
  options: { order: { type: 'number', min: 1, integer: true, description: 'expansion order t' } },
  perExample: ({ logits, labels }, { order }) => {
    const logp = logSoftmax(logits);
    const logpy = isClassIds(labels) ? pickClass(logp, labels) : tf.sum(tf.mul(labels, logp), -1);
    const oneMinusP = tf.sub(1, tf.exp(logpy));
    let sum = tf.zerosLike(oneMinusP);
    for (let k = 1; k <= order; k++) sum = tf.add(sum, tf.div(tf.pow(oneMinusP, k), k));
    return sum;
  },
});
export type TaylorLossOptions = LossOptions<typeof taylorLoss>;
expectTypeOf(taylorLoss(logits, ids, { order: 2 })).toEqualTypeOf<tf.Scalar>();
toLayersLoss(taylorLoss, { order: 2 });
