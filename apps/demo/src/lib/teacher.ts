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
}

function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(pickClass(logSoftmax(logits), labels))) as tf.Scalar;
}

/** Trains the distillation teacher (a wider MLP, cross-entropy) and reports its test accuracy. */
export async function trainTeacher(
  dataset: Dataset,
  config: TrainConfig,
  steps: number,
  onProgress: (done: number) => void,
  shouldStop: () => boolean = () => false,
): Promise<Teacher> {
  const model = createMlp([dataset.dim, ...dataset.teacherHidden, dataset.numClasses], config.seed + 1000);
  const optimizer = tf.train.adam(config.learningRate);
  const next = sampler(dataset, 'classification', config.batchSize, config.seed + 1000, false);
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
    if (step % 5 === 0) onProgress(step + 1);
    if (step % 10 === 0) await tf.nextFrame();
  }
  optimizer.dispose();
  onProgress(steps);
  const evaluation = await classificationEval(model, dataset, steps);
  return { model, accuracy: evaluation.accuracy };
}
