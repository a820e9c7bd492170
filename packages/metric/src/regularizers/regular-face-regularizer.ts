import * as tf from '@tensorflow/tfjs-core';
import { cosineSimilarity, defineLoss, detached, type ReductionOptions } from '@xent/core';

const inputs = [
  { name: 'classWeights', dtype: 'float32', shape: ['C', 'D'], description: 'one weight row per class' },
] as const;

/**
 * RegularFace's exclusive regulariser (Zhao et al., CVPR 2019; PML's `RegularFaceRegularizer`):
 * per class the cosine to its most similar other class, ℓ_c = max_{k≠c} cos(w_c, w_k), pushing class
 * weights apart (the argmax is a constant to autodiff). A single class gives 0 with a zero gradient.
 *
 * @param classWeights float32 `[C, D]`. @returns `[C]` with `reduction: 'none'`, else a scalar (mean).
 * @see https://openaccess.thecvf.com/content_CVPR_2019/papers/Zhao_RegularFace_Deep_Face_Recognition_via_Exclusive_Regularization_CVPR_2019_paper.pdf
 * @example const loss = tf.add(arcFaceLoss(x, y, w), regularFaceRegularizer(w));
 */
export const regularFaceRegularizer = /* @__PURE__ */ defineLoss<typeof inputs, ReductionOptions, object>({
  id: 'xent/regular-face-regularizer',
  name: 'regularFaceRegularizer',
  family: 'metric',
  summary: 'Penalises each class weight’s cosine to its nearest other class weight.',
  reference: {
    title: 'RegularFace: Deep Face Recognition via Exclusive Regularization',
    url: 'https://openaccess.thecvf.com/content_CVPR_2019/papers/Zhao_RegularFace_Deep_Face_Recognition_via_Exclusive_Regularization_CVPR_2019_paper.pdf',
    year: 2019,
  },
  inputs,
  defaults: {},
  perExample: ({ classWeights }) => {
    const classes = classWeights.shape[0]!;
    if (classes < 2) return tf.mul(tf.sum(classWeights, 1), 0);
    const cos = cosineSimilarity(classWeights);
    const nearest = detached((c) => {
      const excluded = tf.sub(c, tf.mul(tf.eye(classes), 1e9));
      return tf.cast(tf.oneHot(tf.argMax(excluded, 1), classes), 'float32');
    }, cos);
    return tf.sum(tf.mul(cos, nearest), 1);
  },
});
