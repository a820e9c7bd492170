import * as tf from '@tensorflow/tfjs-core';
import {
  checkClassIds,
  dotProduct,
  type LossContext,
  l2Normalize,
  sparseSoftmaxCrossEntropy,
  XentError,
} from '@xent/core';

// The mechanics shared by the classification-style losses (ArcFace, CosFace, SphereFace, L-Softmax,
// normalised softmax, SoftTriple, sub-center ArcFace, ProxyNCA): class scores from normalised class
// weights, a margin applied to the target class's score only, then a scaled softmax cross-entropy.

/** Input metadata of a classification-style loss: embeddings, class ids, one weight row per class (× sub-centres). */
export function classWeightInputs(rows: string, description: string) {
  return [
    { name: 'embeddings', dtype: 'float32', shape: ['B', 'D'], description: 'embeddings' },
    { name: 'labels', dtype: 'int32', shape: ['B'], description: 'class ids in [0, C)' },
    { name: 'classWeights', dtype: 'float32', shape: [rows, 'D'], description },
  ] as const;
}

/**
 * Checks that `classWeights` has `perClass` rows per class (`[C·perClass, D]`) and, with validation on,
 * that every label is in [0, C). Returns C.
 */
export function checkClassWeights(
  labels: tf.Tensor,
  classWeights: tf.Tensor,
  perClass: number,
  context: LossContext,
): number {
  const rows = classWeights.shape[0]!;
  if (rows % perClass !== 0) {
    throw new XentError('SHAPE_MISMATCH', {
      fn: context.fn,
      argument: 'classWeights',
      expected: `[C·${perClass}, D] (${perClass} rows per class)`,
      received: `[${classWeights.shape.join(', ')}]`,
    });
  }
  const classes = rows / perClass;
  if (context.validate) checkClassIds(context.fn, 'labels', labels, classes);
  return classes;
}

/** cos(xᵢ, wⱼ): `[B, D] × [R, D] → [B, R]`, both sides L2-normalised (PML's `CosineSimilarity`). */
export function classCosines(embeddings: tf.Tensor, classWeights: tf.Tensor): tf.Tensor {
  return tf.tidy(() => dotProduct(l2Normalize(embeddings), l2Normalize(classWeights)));
}

/** `[B, C·K] → [B, C, K]`: the K sub-centre (or centre) columns of each class side by side. */
export function perClassCenters(scores: tf.Tensor, centersPerClass: number): tf.Tensor {
  const [batch, rows] = scores.shape as [number, number];
  return tf.reshape(scores, [batch, rows / centersPerClass, centersPerClass]);
}

/** How a loss changes the target class's score and scales the logits. */
export interface MarginSoftmaxParts {
  /** The target score t = sᵢ,yᵢ `[B]` → the margin-penalised score ψ(t) `[B]`. @defaultValue identity */
  readonly target?: (targetScore: tf.Tensor) => tf.Tensor;
  /** The logit scale: a number, or a tensor broadcasting against `[B, C]` (per-row norms). */
  readonly scale: number | tf.Tensor;
}

/**
 * Per-example ℓᵢ = −log softmax(s · z)ᵢ,yᵢ with z = scores except zᵢ,yᵢ = ψ(sᵢ,yᵢ): the "margin on the
 * target logit, then scaled cross-entropy" step of the large-margin softmax family.
 *
 * @param scores float32 `[B, C]`. @param labels int32 `[B]` in [0, C). @returns float32 `[B]`.
 */
export function marginSoftmaxCrossEntropy(
  scores: tf.Tensor,
  labels: tf.Tensor,
  parts: MarginSoftmaxParts,
): tf.Tensor {
  return tf.tidy(() => {
    let logits = scores;
    if (parts.target) {
      // A comparison mask rather than tf.oneHot, which rejects C = 1 (one class must still give 0).
      const classes = tf.range(0, scores.shape[1]!, 1, 'int32');
      const mask = tf.cast(tf.equal(tf.expandDims(labels, 1), tf.expandDims(classes, 0)), 'float32');
      const target = tf.sum(tf.mul(scores, mask), 1);
      const shift = tf.sub(parts.target(target), target);
      logits = tf.add(scores, tf.mul(mask, tf.expandDims(shift, 1)));
    }
    return sparseSoftmaxCrossEntropy(tf.mul(logits, parts.scale), labels);
  });
}
