import * as tf from '@tensorflow/tfjs-core';
import {
  checkFinite,
  defineLoss,
  optionsObject,
  type ReductionOptions,
  rejectUnknownOptions,
  toTensor,
  XentError,
} from '@xent/core';
import { checkPositive } from '../internal/check-number.js';
import {
  checkClassWeights,
  classCosines,
  classWeightInputs,
  marginSoftmaxCrossEntropy,
  perClassCenters,
} from '../internal/margin-softmax.js';
import { optionSpecs } from '../internal/option-specs.js';
import {
  bindClassWeights,
  type ClassWeightFactoryOptions,
  type TrainableLoss,
} from '../internal/trainable-class-weights.js';
import { arcFaceOptionSpecs, arcFaceTarget } from './arc-face-loss.js';

/** Options of {@link subCenterArcFaceLoss}. */
export interface SubCenterArcFaceLossOptions extends ReductionOptions {
  /** Additive angular margin m, in degrees (PML's unit). @defaultValue 28.6 */
  readonly margin?: number;
  /** Logit scale s. @defaultValue 64 */
  readonly scale?: number;
  /** Sub-centres per class K; `classWeights` has C·K rows. @defaultValue 3 */
  readonly subCenters?: number;
}

const inputs = /* @__PURE__ */ classWeightInputs(
  'CK',
  'K sub-centres per class, class c in rows [c·K, (c+1)·K)',
);

/**
 * Sub-center ArcFace (Deng et al., ECCV 2020), with the sub-centres as an input;
 * {@link createSubCenterArcFaceLoss} owns them. Each class keeps K sub-centres and scores a sample by
 * the closest one, cos θ_c = maxₖ x̂ᵢ·ŵ_{c,k}; then ArcFace:
 *
 *   ℓᵢ = −log( e^{s·ψ(θ_yᵢ)} / (e^{s·ψ(θ_yᵢ)} + Σ_{c≠yᵢ} e^{s·cos θ_c}) ),
 *   ψ(θ) = cos(θ + m) if θ ≤ π − m, else cos θ − m·sin m
 *
 * (PML's `SubCenterArcFaceLoss`.) With K = 1 it is {@link arcFaceLoss}. One class gives 0 with a zero
 * gradient. Find noisy samples with {@link subCenterArcFaceOutliers}.
 *
 * @param embeddings float32 `[B, D]`. @param labels int32 `[B]` in [0, C).
 * @param classWeights float32 `[C·K, D]`, the sub-centres of class c in rows c·K … c·K + K − 1.
 * @returns per-example float32 `[B]` with `reduction: 'none'`, else a scalar (mean by default).
 * @see https://www.ecva.net/papers/eccv_2020/papers_ECCV/papers/123560715.pdf
 * @example const loss = subCenterArcFaceLoss(embeddings, labels, subCenters, { subCenters: 3 });
 */
export const subCenterArcFaceLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  SubCenterArcFaceLossOptions,
  { margin: number; scale: number; subCenters: number }
>({
  id: 'xent/sub-center-arcface',
  name: 'subCenterArcFaceLoss',
  family: 'metric',
  summary: 'ArcFace with K sub-centres per class, scoring each sample by its closest sub-centre.',
  reference: {
    title: 'Sub-center ArcFace: Boosting Face Recognition by Large-scale Noisy Web Faces',
    url: 'https://www.ecva.net/papers/eccv_2020/papers_ECCV/papers/123560715.pdf',
    year: 2020,
  },
  inputs,
  defaults: { margin: 28.6, scale: 64, subCenters: 3 },
  options: /* @__PURE__ */ optionSpecs(arcFaceOptionSpecs, {
    subCenters: { type: 'number', min: 1, integer: true, description: 'sub-centres per class K' },
  }),
  check: ({ labels, classWeights }, { subCenters }, context) => {
    checkClassWeights(labels, classWeights, subCenters, context);
  },
  perExample: ({ embeddings, labels, classWeights }, { margin, scale, subCenters }) => {
    const cosine = tf.max(perClassCenters(classCosines(embeddings, classWeights), subCenters), -1);
    return marginSoftmaxCrossEntropy(cosine, labels, { target: arcFaceTarget(margin), scale });
  },
});

/** Options of {@link createSubCenterArcFaceLoss}. */
export interface CreateSubCenterArcFaceLossOptions extends ClassWeightFactoryOptions {
  /** Sub-centres per class K (the bound loss passes it). @defaultValue 3 */
  readonly subCenters?: number;
}

/**
 * {@link subCenterArcFaceLoss} with trainable sub-centres `[numClasses·K, embeddingSize]`, initialised
 * N(0, 1) like PML.
 *
 * @see https://www.ecva.net/papers/eccv_2020/papers_ECCV/papers/123560715.pdf
 * @example
 * const { loss, variables } = createSubCenterArcFaceLoss({ numClasses: 10, embeddingSize: 64 });
 * const { outliers } = subCenterArcFaceOutliers(embeddings, labels, variables.classWeights);
 */
export function createSubCenterArcFaceLoss(
  options: CreateSubCenterArcFaceLossOptions,
): TrainableLoss<Omit<SubCenterArcFaceLossOptions, 'subCenters'>, 'classWeights'> {
  const subCenters = options.subCenters ?? 3;
  return bindClassWeights(
    'createSubCenterArcFaceLoss',
    'classWeights',
    (embeddings, labels, weights, lossOptions?: Omit<SubCenterArcFaceLossOptions, 'subCenters'>) =>
      subCenterArcFaceLoss(embeddings, labels, weights, { ...lossOptions, subCenters }),
    options,
    'normal',
    ['subCenters', subCenters],
  );
}

/** Options of {@link subCenterArcFaceOutliers}. */
export interface SubCenterArcFaceOutliersOptions {
  /** Sub-centres per class K. @defaultValue 3 */
  readonly subCenters?: number;
  /** A sample whose angle to its class's dominant sub-centre exceeds this (degrees) is an outlier. @defaultValue 75 */
  readonly threshold?: number;
}

/** What {@link subCenterArcFaceOutliers} finds. */
export interface SubCenterArcFaceOutliers {
  /** Indices (ascending) of the samples farther than `threshold` from their class's dominant sub-centre. */
  readonly outliers: number[];
  /**
   * float32 `[C, D]`: each class's dominant sub-centre (the one most of its samples are closest to; ties
   * → the lower index). Classes absent from the batch get their first sub-centre. Dispose it.
   */
  readonly dominantCenters: tf.Tensor;
}

/**
 * Sub-center ArcFace's cleaning step (PML's `get_outliers`): per class, the dominant sub-centre is the
 * one most of the class's samples are closest to; samples with cos(x̂, ŵ_dominant) < cos(threshold)
 * are outliers (label noise). Runs on the host with no gradient; reads values synchronously.
 *
 * @param embeddings float32 `[B, D]`. @param labels int32 `[B]` in [0, C).
 * @param classWeights float32 `[C·K, D]`.
 * @example const { outliers, dominantCenters } = subCenterArcFaceOutliers(x, y, variables.classWeights);
 */
export function subCenterArcFaceOutliers(
  embeddings: tf.Tensor | tf.TensorLike,
  labels: tf.Tensor | tf.TensorLike,
  classWeights: tf.Tensor | tf.TensorLike,
  options: SubCenterArcFaceOutliersOptions = {},
): SubCenterArcFaceOutliers {
  const fn = 'subCenterArcFaceOutliers';
  rejectUnknownOptions(fn, optionsObject(fn, options), ['subCenters', 'threshold']);
  const subCenters = options.subCenters ?? 3;
  const threshold = options.threshold ?? 75;
  checkPositive(fn, 'options.subCenters', subCenters);
  if (!(threshold >= 0 && threshold <= 180))
    throw new XentError('INVALID_OPTION', {
      fn,
      argument: 'options.threshold',
      expected: 'degrees in [0, 180]',
      received: String(threshold),
    });
  return tf.tidy(() => {
    const x = toTensor(embeddings, fn, 'embeddings', 'float32');
    const y = toTensor(labels, fn, 'labels', 'int32');
    const w = toTensor(classWeights, fn, 'classWeights', 'float32');
    checkFinite(fn, 'embeddings', x);
    checkFinite(fn, 'classWeights', w);
    if (
      x.rank !== 2 ||
      w.rank !== 2 ||
      w.shape[1] !== x.shape[1] ||
      y.rank !== 1 ||
      y.shape[0] !== x.shape[0]
    )
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument: 'embeddings, labels, classWeights',
        expected: '[B, D], [B], [C·K, D]',
        received: `[${x.shape.join(', ')}], [${y.shape.join(', ')}], [${w.shape.join(', ')}]`,
      });
    const classes = checkClassWeights(y, w, subCenters, {
      fn,
      validate: true,
      dims: new Map(),
      numClasses: undefined,
    });
    const cosine = classCosines(x, w).arraySync() as number[][];
    const ids = Array.from(y.dataSync());
    const limit = Math.cos((threshold * Math.PI) / 180);
    const dominant: number[] = [];
    const outliers: number[] = [];
    for (let c = 0; c < classes; c++) {
      const members = ids.flatMap((id, i) => (id === c ? [i] : []));
      const votes = new Array<number>(subCenters).fill(0);
      for (const i of members) {
        const row = cosine[i]!.slice(c * subCenters, (c + 1) * subCenters);
        votes[row.indexOf(Math.max(...row))]!++;
      }
      const best = votes.indexOf(Math.max(...votes));
      dominant.push(c * subCenters + best);
      for (const i of members) if (cosine[i]![c * subCenters + best]! < limit) outliers.push(i);
    }
    outliers.sort((a, b) => a - b);
    return { outliers, dominantCenters: tf.gather(w, tf.tensor1d(dominant, 'int32')) };
  });
}
