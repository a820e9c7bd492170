import * as tf from '@tensorflow/tfjs';
import { registry } from '@xent/core';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import { alignGradients, dualHeadKdLoss } from '../src/index.js';
import { createDualHeadClassifier } from '../src/layers.js';

describeBackends(['cpu'], () => {
  describe('createDualHeadClassifier', () => {
    it('builds two heads on shared features; inference uses the main head only', () => {
      const { model, inference } = createDualHeadClassifier({ inputDim: 6, hidden: [5], numClasses: 3 });
      const x = tf.tensor(randomNormal([4, 6], 61) as number[][]);
      const [main, aux] = model.predict(x) as tf.Tensor[];
      expect(main!.shape).toEqual([4, 3]);
      expect(aux!.shape).toEqual([4, 3]);
      expectClose(inference.predict(x) as tf.Tensor, main!);
      // Shared weights: both views hold the same variables.
      expect(inference.trainableWeights.length).toBe(4);
      expect(model.trainableWeights.length).toBe(6);
      tf.dispose([x, main!, aux!]);
    });
    it('builds the official non-linear auxiliary head and accepts a feature model', () => {
      const input = tf.input({ shape: [6] });
      const features = tf.layers.dense({ units: 8, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
      const featureModel = tf.model({ inputs: input, outputs: features });
      const { model } = createDualHeadClassifier({ featureModel, numClasses: 3, auxHidden: 7, name: 'nl' });
      const names = model.layers.map((l) => l.getClassName());
      expect(names).toEqual(expect.arrayContaining(['Dropout', 'BatchNormalization', 'ReLU']));
      const outputs = model.predict(tf.ones([2, 6])) as tf.Tensor[];
      expect(outputs.map((o) => o.shape)).toEqual([
        [2, 3],
        [2, 3],
      ]);
      tf.dispose(outputs);
    });
    it('rejects missing or bad sizes', () => {
      expectXentError(() => createDualHeadClassifier({ numClasses: 3 }), 'INVALID_OPTION', {
        argument: 'options.inputDim',
      });
      expectXentError(() => createDualHeadClassifier({ inputDim: 4, numClasses: 0 }), 'INVALID_OPTION', {
        argument: 'options.numClasses',
      });
      expectXentError(
        () => createDualHeadClassifier({ inputDim: 4, numClasses: 2, auxHidden: 1.5 }),
        'INVALID_OPTION',
        {
          argument: 'options.auxHidden',
        },
      );
    });
    it('trains with dualHeadKdLoss and gradient alignment without leaking', () => {
      const { model } = createDualHeadClassifier({ inputDim: 6, numClasses: 3, name: 'ga' });
      const x = tf.tensor(randomNormal([8, 6], 62) as number[][]);
      const teacher = tf.tensor(randomNormal([8, 3], 63, 2) as number[][]);
      const labels = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
      const optimizer = tf.train.sgd(0.1);
      const objective = (options: Record<string, number>) => () =>
        tf.tidy(() => {
          const [main, aux] = model.apply(x, { training: true }) as tf.Tensor[];
          return dualHeadKdLoss(main!, aux!, teacher, labels, options) as tf.Scalar;
        });
      const before = objective({})().dataSync()[0]!;
      for (let step = 0; step < 20; step++) {
        expectNoLeak(() => {
          const ce = tf.variableGrads(objective({ auxWeight: 0 }));
          const kd = tf.variableGrads(objective({ ceWeight: 0 }));
          const merged = alignGradients(ce.grads, kd.grads);
          optimizer.applyGradients(merged);
          tf.dispose([ce.value, kd.value, ce.grads, kd.grads, merged]);
        });
      }
      expect(objective({})().dataSync()[0]!).toBeLessThan(before);
      tf.dispose([x, teacher, labels]);
      optimizer.dispose();
    });
  });

  describe('alignGradients', () => {
    it('removes the conflicting component (PCGrad) and sums', () => {
      const g1 = { a: tf.tensor([1, 0]), b: tf.tensor([0]) };
      const g2 = { a: tf.tensor([-1, 1]), b: tf.tensor([2]) };
      // g2·g1 = −1 < 0, ‖g1‖² = 1: g2 ← g2 + g1 = ([0, 1], [2]); merged = g1 + g2.
      const merged = alignGradients(g1, g2);
      expectClose(merged.a!, [1, 1]);
      expectClose(merged.b!, [2]);
      // No conflict: a plain sum.
      const agree = alignGradients(g1, { a: tf.tensor([1, 1]), b: tf.tensor([1]) });
      expectClose(agree.a!, [2, 1]);
      expectClose(agree.b!, [1]);
      // A variable only one objective reaches keeps its gradient.
      const partial = alignGradients({ a: g1.a }, { a: g2.a, c: tf.tensor([3]) });
      expectClose(partial.c!, [3]);
      tf.dispose([g1, g2, merged, agree, partial]);
    });
    it('leaves the secondary gradient orthogonal to the primary after projection', () => {
      const g1 = { w: tf.tensor(randomNormal([5], 64) as number[]) };
      const g2 = { w: tf.neg(tf.tensor(randomNormal([5], 64) as number[])).add(0.1) };
      const merged = alignGradients(g1, g2);
      const projected = tf.sub(merged.w!, g1.w);
      expectClose(tf.sum(tf.mul(projected, g1.w)), 0, { atol: 1e-5 });
      tf.dispose([g1, g2, merged, projected]);
    });
  });

  it('registers every loss through ./register', async () => {
    await import('../src/register.js');
    for (const id of ['xent/kd', 'xent/dkd', 'xent/pld', 'xent/dist', 'xent/dual-head-kd']) {
      expect(registry.get(id).spec.family).toBe('distillation');
    }
  });
});
