// Tries a loss once on a tiny synthetic batch shaped like what its adapter feeds, to find losses that need
// an option the form cannot give (a model function, a state object): those are listed as unsupported
// instead of failing on the first training step.
import * as tf from '@tensorflow/tfjs-core';
import { type AnyLossFn, isXentError } from '@xent/core';
import type { Plan, Role } from './adapters.js';
import { optionFields } from './options-form.js';
import { sampleState } from './sample-state.js';

const N = 6;
const C = 3;
const D = 4;

function tinyInputs(roles: readonly Role[]): tf.Tensor[] {
  const labels = tf.tensor1d([0, 0, 1, 1, 2, 2], 'int32');
  const feed: Record<Role, () => tf.Tensor> = {
    logits: () => tf.randomNormal([N, C], 0, 1, 'float32', 1),
    student: () => tf.randomNormal([N, C], 0, 1, 'float32', 2),
    auxiliary: () => tf.randomNormal([N, C], 0, 1, 'float32', 3),
    teacher: () => tf.randomNormal([N, C], 0, 1, 'float32', 4),
    teacherTopIds: () => tf.tensor2d([0, 1, 1, 2, 2, 0, 0, 2, 1, 0, 2, 1], [N, 2], 'int32'),
    teacherTopLogProbs: () => tf.log(tf.tile(tf.tensor2d([[0.6, 0.3]]), [N, 1])),
    features: () => tf.randomNormal([N, D], 0, 1, 'float32', 5),
    classifier: () => tf.randomNormal([C, D], 0, 1, 'float32', 6),
    labels: () => labels,
    onehot: () => tf.oneHot(labels, C).toFloat(),
    embeddings: () => tf.randomNormal([N, D], 0, 1, 'float32', 7),
    proxies: () => tf.randomNormal([C, D], 0, 1, 'float32', 8),
    prototypes: () => tf.randomNormal([C, D], 0, 1, 'float32', 9),
    groups: () => tf.randomNormal([C, 2, D], 0, 1, 'float32', 13),
    queries: () => tf.randomNormal([N, D], 0, 1, 'float32', 10),
    docs: () => tf.randomNormal([N, D], 0, 1, 'float32', 11),
    scores: () => tf.randomNormal([N, N], 0, 1, 'float32', 12),
    cosineScores: () => tf.randomUniform([N, N], -1, 1, 'float32', 14),
    positives: () => tf.range(0, N, 1, 'int32'),
    relevance: () => tf.eye(N),
    pairFirst: () => tf.randomNormal([N, D], 0, 1, 'float32', 18),
    pairSecond: () => tf.randomNormal([N, D], 0, 1, 'float32', 19),
    pairScores: () => tf.tensor1d([1, 0, 1, 0, 1, 0]),
    binaryLogits: () => tf.randomNormal([N * C], 0, 1, 'float32', 15),
    binaryTargets: () => tf.reshape(tf.oneHot(labels, C), [-1]).toFloat(),
    modelInputs: () => tf.randomNormal([N, D], 0, 1, 'float32', 16),
  };
  return roles.map((role) => feed[role]());
}

/**
 * Why the playground cannot train `loss` with the options its form offers, or undefined. Only errors about
 * options outside the form count (a missing required function or state object); anything else is left
 * for training to show.
 */
export function probeLoss(loss: AnyLossFn, plan: Extract<Plan, { supported: true }>): string | undefined {
  const editable = new Set(optionFields(loss.spec).map((f) => f.name));
  // What the run would own: a linear model D → C, a per-example state over the N rows.
  const state = plan.perSample ? sampleState(N, 1) : undefined;
  try {
    tf.tidy(() => {
      const owned = {
        ...(plan.model
          ? { model: (x: tf.Tensor) => tf.matMul(x, tf.randomNormal([D, C], 0, 1, 'float32', 17)), steps: 1 }
          : {}),
        ...(state ? { state, indices: tf.range(0, N, 1, 'int32') } : {}),
        ...(plan.batchIds ? { docRows: [0, 0, 1, 2, 3, 4], queryClasses: [0, 0, 1, 1, 2, 2] } : {}),
      };
      loss(...tinyInputs(plan.roles), { ...owned, validate: false });
    });
    return undefined;
  } catch (error) {
    if (!isXentError(error, 'INVALID_OPTION')) return undefined;
    const option = error.argument?.replace(/^options\./, '');
    if (option && !editable.has(option))
      return `needs ${error.argument} (${error.expected ?? 'a value'}), which the playground cannot provide`;
    return undefined;
  } finally {
    state?.dispose();
  }
}
