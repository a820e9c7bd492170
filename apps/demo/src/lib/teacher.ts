// The distillation teacher: a wider MLP trained with cross-entropy before the students start.
import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, pickClass } from '@xent/core';
import type { Dataset } from './datasets.js';
import { classificationEval } from './evaluate.js';
import { createMlp, type Mlp } from './model.js';
import { sampler } from './sampler.js';
import type { TrainConfig } from './train.js';

/** A trained teacher for distillation, shared by every run of a comparison. */
export interface Teacher {
  readonly model: Mlp;
  readonly accuracy: number;
  /** Steps it trained (fewer than asked when it reached its target accuracy). */
  readonly steps: number;
  /** Its logits are divided by this before the losses see them (1 = as trained). */
  readonly temperature: number;
}

/** Teacher strength (the distillation scenario): stop at a test accuracy, soften or sharpen the logits. */
export interface TeacherStrength {
  /** Stop training once the test accuracy reaches this (checked every 5 steps); 0 = train every step. */
  readonly targetAccuracy?: number;
  /** Divide the teacher's logits by this (< 1 sharper, > 1 softer). @defaultValue 1 */
  readonly temperature?: number;
}

function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(pickClass(logSoftmax(logits), labels))) as tf.Scalar;
}

/**
 * Trains the distillation teacher (a wider MLP, cross-entropy) and reports its test accuracy. With a
 * target accuracy it stops at the first check (every 5 steps) that reaches it, so a weak teacher is one
 * stopped early — the same model and data as a strong one.
 */
export async function trainTeacher(
  dataset: Dataset,
  config: TrainConfig,
  steps: number,
  onProgress: (done: number) => void,
  shouldStop: () => boolean = () => false,
  strength: TeacherStrength = {},
): Promise<Teacher> {
  const target = strength.targetAccuracy ?? 0;
  const model = createMlp([dataset.dim, ...dataset.teacherHidden, dataset.numClasses], config.seed + 1000);
  const optimizer = tf.train.adam(config.learningRate);
  const next = sampler(dataset, 'classification', config.batchSize, config.seed + 1000, false);
  let done = 0;
  for (let step = 0; step < steps && !shouldStop(); step++) {
    const batch = next();
    const loss = optimizer.minimize(
      () =>
        crossEntropy(
          model.forward(tf.tensor2d(batch.x, [batch.y.length, dataset.dim])).out,
          tf.tensor1d(batch.y, 'int32'),
        ),
      true,
      model.params,
    );
    await loss?.data();
    loss?.dispose();
    done = step + 1;
    if (step % 5 === 0) onProgress(done);
    if (step % 10 === 0) await tf.nextFrame();
    if (target > 0 && done % 5 === 0 && (await classificationEval(model, dataset, done)).accuracy >= target)
      break;
  }
  optimizer.dispose();
  onProgress(done);
  const evaluation = await classificationEval(model, dataset, done);
  return { model, accuracy: evaluation.accuracy, steps: done, temperature: strength.temperature ?? 1 };
}
