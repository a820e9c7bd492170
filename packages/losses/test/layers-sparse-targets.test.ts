import * as tf from '@tensorflow/tfjs';
import { allowSparseTargets, toLayersLoss } from '@xent/core';
import { expectClose, expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import { crossEntropyLoss, focalLoss } from '../src/index.js';

const x = tf.tensor2d([
  [1, 0, 0.5],
  [0, 1, -1],
  [1, 1, 0],
  [0, 0, 2],
  [-1, 0.5, 1],
  [2, -1, 0],
]);
const ids = [0, 1, 2, 0, 2, 1];

function classifier(): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({ units: 3, inputShape: [3], kernelInitializer: 'glorotUniform', seed: 7 } as never),
  );
  return model;
}

describe('toLayersLoss with sparse integer targets in tfjs-layers fit', () => {
  it('fit refuses [N, 1] ids after compile alone (tfjs-layers checks the output shape)', async () => {
    const model = classifier();
    model.compile({ optimizer: tf.train.sgd(0.1), loss: toLayersLoss(crossEntropyLoss) });
    await expect(model.fit(x, tf.tensor2d(ids, [6, 1]), { epochs: 1, verbose: 0 })).rejects.toThrow(/shape/);
    model.dispose();
  });

  it('trains on [N, 1] ids after allowSparseTargets, with the loss crossEntropyLoss computes', async () => {
    const model = classifier();
    model.compile({
      optimizer: tf.train.sgd(0.5),
      loss: toLayersLoss(crossEntropyLoss, { labelSmoothing: 0.1 }),
    });
    expect(allowSparseTargets(model)).toBe(1);
    const before = crossEntropyLoss(model.predict(x) as tf.Tensor, ids, { labelSmoothing: 0.1 });
    const history = await model.fit(x, tf.tensor2d(ids, [6, 1]), { epochs: 15, batchSize: 6, verbose: 0 });
    const losses = history.history.loss as number[];
    expectClose(losses[0]!, before, { atol: 1e-5 });
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    model.dispose();
  });

  it('takes sequence outputs [B, T, C] with ids [B, T, 1]', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 4, inputShape: [5, 2] }));
    model.compile({ optimizer: tf.train.sgd(0.5), loss: toLayersLoss(focalLoss, { gamma: 1 }) });
    allowSparseTargets(model);
    const xs = tf.randomNormal([2, 5, 2], 0, 1, 'float32', 3);
    const tokens = [
      [0, 1, 2, 3, 0],
      [3, 2, 1, 0, 1],
    ];
    const before = focalLoss(model.predict(xs) as tf.Tensor, tokens, { gamma: 1 });
    const history = await model.fit(xs, tf.tensor3d(tokens.map((r) => r.map((v) => [v]))), {
      epochs: 3,
      batchSize: 2,
      verbose: 0,
    });
    expectClose((history.history.loss as number[])[0]!, before, { atol: 1e-5 });
    model.dispose();
  });

  it('rejects a model that is not a compiled LayersModel', () => {
    expectXentError(() => allowSparseTargets(classifier()), 'INVALID_OPTION', { argument: 'model' });
    expectXentError(() => allowSparseTargets({}), 'INVALID_OPTION', { argument: 'model' });
  });
});
