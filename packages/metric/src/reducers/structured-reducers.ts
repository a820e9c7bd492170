import * as tf from '@tensorflow/tfjs-core';
import {
  checkFinite,
  type LossPart,
  optionsObject,
  type Reducer,
  rejectUnknownOptions,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';
import { meanReducer, type WeightedLossPart } from './threshold-reducer.js';

/**
 * A reducer that needs the loss parts' structure (multiplicities, anchors) or the batch labels:
 * {@link applyReducer} calls `reduceParts` instead of `reduce`.
 */
export interface StructuredReducer extends Reducer {
  reduceParts(fn: string, parts: readonly WeightedLossPart[], labels: tf.Tensor | undefined): tf.Tensor;
}

/** True for the reducers of this file. */
export function isStructuredReducer(reducer: Reducer): reducer is StructuredReducer {
  return typeof (reducer as Partial<StructuredReducer>).reduceParts === 'function';
}

/** Σ w·ℓ over a part (w: its multiplicities, 1 without). */
function weightedSum(part: WeightedLossPart): tf.Tensor {
  return tf.sum(part.weights ? tf.mul(part.losses, part.weights) : part.losses);
}

function plainSum(parts: readonly LossPart[]): tf.Scalar {
  return tf.tidy(() =>
    parts.reduce<tf.Tensor>((t, p) => tf.add(t, tf.sum(p.losses)), tf.scalar(0)),
  ) as tf.Scalar;
}

/**
 * Sum of every element's loss, each counted with its multiplicity (PML's `SumReducer`); parts are
 * summed too. 0 with a zero gradient when nothing was selected.
 *
 * @example const loss = contrastiveLoss(embeddings, labels, { reducer: sumReducer() });
 */
export function sumReducer(): StructuredReducer {
  return {
    name: 'sum',
    reduce: plainSum,
    reduceParts: (_fn, parts) =>
      tf.tidy(() => parts.reduce<tf.Tensor>((t, p) => tf.add(t, weightedSum(p)), tf.scalar(0))),
  };
}

/** Options of {@link divisorReducer}. */
export interface DivisorReducerOptions {
  /** What the sum is divided by (PML takes it from the loss; here it is given). 0 gives 0. */
  readonly divisor: number;
}

/**
 * Σ ℓ / divisor, each element counted with its multiplicity (PML's `DivisorReducer`); 0 when the
 * divisor is 0.
 *
 * @example const reducer = divisorReducer({ divisor: batchSize });
 */
export function divisorReducer(options: DivisorReducerOptions): StructuredReducer {
  const given = optionsObject('divisorReducer', options);
  rejectUnknownOptions('divisorReducer', given, ['divisor']);
  const { divisor } = given as unknown as DivisorReducerOptions;
  if (!(Number.isFinite(divisor) && divisor >= 0))
    throw new XentError('INVALID_OPTION', {
      fn: 'divisorReducer',
      argument: 'options.divisor',
      expected: 'a finite number ≥ 0',
      received: String(divisor),
    });
  const scale = (total: tf.Tensor) => (divisor === 0 ? tf.mul(total, 0) : tf.div(total, divisor));
  return {
    name: 'divisor',
    reduce: (parts) => tf.tidy(() => scale(plainSum(parts))) as tf.Scalar,
    reduceParts: (_fn, parts) =>
      tf.tidy(() => scale(parts.reduce<tf.Tensor>((t, p) => tf.add(t, weightedSum(p)), tf.scalar(0)))),
  };
}

/** Positions of the selected elements (each repeated by its multiplicity), read on the host. */
function selected(part: WeightedLossPart): tf.Tensor {
  const flat = tf.reshape(part.losses, [-1]);
  if (!part.weights) return flat;
  const weights = part.weights.dataSync();
  const index: number[] = [];
  weights.forEach((w, i) => {
    for (let k = 0; k < Math.round(w); k++) index.push(i);
  });
  return tf.gather(flat, tf.tensor1d(index, 'int32'));
}

/**
 * No reduction (PML's `DoNothingReducer`): the loss returns a 1-D tensor of every selected element's
 * loss, each repeated by its multiplicity, the parts concatenated in order (positive pairs, then
 * negative pairs). Reads multiplicities on the host. Not differentiable through the selection: use it
 * to inspect losses.
 *
 * @example const perPair = contrastiveLoss(embeddings, labels, { reducer: doNothingReducer() });
 */
export function doNothingReducer(): StructuredReducer {
  return {
    name: 'doNothing',
    reduce: (parts) => tf.tidy(() => tf.concat(parts.map((p) => tf.reshape(p.losses, [-1])))) as tf.Scalar,
    reduceParts: (_fn, parts) => tf.tidy(() => tf.concat(parts.map(selected))),
  };
}

/** Anchor of every element of a part, as an int32 tensor shaped like its losses. */
function anchorsOf(fn: string, part: WeightedLossPart, reducer: string): tf.Tensor {
  if (part.anchors) return part.anchors;
  if (part.kind === 'element' && part.losses.rank === 1)
    return tf.range(0, part.losses.shape[0]!, 1, 'int32');
  if ((part.kind === 'pos-pair' || part.kind === 'neg-pair') && part.losses.rank === 2) {
    const [rows, cols] = part.losses.shape as [number, number];
    return tf.tile(tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]), [1, cols]);
  }
  throw new XentError('INVALID_OPTION', {
    fn,
    argument: 'options.reducer',
    expected: `a loss whose ${part.kind} losses carry their anchors`,
    received: `${reducer} on a ${part.kind} part [${part.losses.shape.join(', ')}]`,
  });
}

/**
 * mean(ℓ · w[label of the anchor]) per part, parts summed (PML's `ClassWeightedReducer`): elements
 * counted with their multiplicity; the anchor of a pair or triplet is its first index.
 *
 * @param weights float32 `[C]` class weights (indexed by the batch labels).
 * @example const loss = tripletMarginLoss(embeddings, labels, { reducer: classWeightedReducer([1, 2, 1]) });
 */
export function classWeightedReducer(weights: TensorInput): StructuredReducer {
  const name = 'classWeighted';
  return {
    name,
    reduce: () => {
      throw new XentError('INVALID_OPTION', {
        fn: 'classWeightedReducer',
        argument: 'reduce',
        expected: "a loss of @xent/metric (it needs the batch's labels)",
        received: 'a bare reduce() call',
      });
    },
    reduceParts: (fn, parts, labels) =>
      tf.tidy(() => {
        if (!labels)
          throw new XentError('INVALID_OPTION', {
            fn,
            argument: 'options.reducer',
            expected: 'labels',
            received: 'none',
          });
        const table = toTensor(weights, 'classWeightedReducer', 'weights', 'float32');
        checkFinite('classWeightedReducer', 'weights', table);
        let total: tf.Tensor = tf.scalar(0);
        for (const part of parts) {
          const factor = tf.gather(table, tf.gather(labels, anchorsOf(fn, part, name)));
          const counts = part.weights ?? tf.onesLike(part.losses);
          const weighted = tf.sum(tf.mul(tf.mul(part.losses, factor), counts));
          total = tf.add(total, tf.div(weighted, tf.maximum(tf.sum(counts), 1)));
        }
        return total;
      }),
  };
}

/** Options of {@link perAnchorReducer}. */
export interface PerAnchorReducerOptions {
  /** Reduces the per-anchor values. @defaultValue meanReducer() */
  readonly reducer?: Reducer;
}

/**
 * Averages each anchor's pair losses over its distinct pairs (0 for an anchor without pairs), then
 * reduces the B per-anchor values with `reducer` (PML's `PerAnchorReducer`); element parts go to
 * `reducer` directly; triplet parts are not supported (`INVALID_OPTION`, as PML). With
 * `avgNonZeroReducer()` and NT-Xent this is sentence-transformers' MultipleNegativesRankingLoss.
 *
 * @example const reducer = perAnchorReducer({ reducer: avgNonZeroReducer() });
 */
export function perAnchorReducer(options: PerAnchorReducerOptions = {}): StructuredReducer {
  const given = optionsObject('perAnchorReducer', options);
  rejectUnknownOptions('perAnchorReducer', given, ['reducer']);
  const inner = (given as PerAnchorReducerOptions).reducer ?? meanReducer();
  return {
    name: `perAnchor(${inner.name})`,
    reduce: (parts) => inner.reduce(parts),
    reduceParts: (fn, parts, labels) =>
      tf.tidy(() => {
        let total: tf.Tensor = tf.scalar(0);
        for (const part of parts) {
          let element: WeightedLossPart = part;
          if (part.kind === 'pos-pair' || part.kind === 'neg-pair') {
            anchorsOf(fn, part, 'perAnchor');
            const present = part.weights ? tf.step(part.weights) : tf.onesLike(part.losses);
            const count = tf.sum(present, 1);
            const mean = tf.div(tf.sum(tf.mul(part.losses, present), 1), tf.maximum(count, 1));
            element = { losses: mean, kind: 'element' };
          } else if (part.kind !== 'element' && part.kind !== 'reduced') {
            throw new XentError('INVALID_OPTION', {
              fn,
              argument: 'options.reducer',
              expected: 'pair or element losses (PML: "Triplet reduction not supported")',
              received: `perAnchorReducer on ${part.kind} losses`,
            });
          }
          total = tf.add(total, applyInner(fn, inner, element, labels));
        }
        return total;
      }),
  };
}

/** One part (without multiplicities) through any reducer. */
function applyInner(
  fn: string,
  reducer: Reducer,
  part: WeightedLossPart,
  labels: tf.Tensor | undefined,
): tf.Tensor {
  return isStructuredReducer(reducer) ? reducer.reduceParts(fn, [part], labels) : reducer.reduce([part]);
}
