import * as tf from '@tensorflow/tfjs';
import { cosineSimilarity } from '@xent/core';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { describe, it } from 'vitest';
import { cachedContrastive } from '../src/cached-contrastive.js';
import { infoNceLoss } from '../src/info-nce-loss.js';
import { mwLoss } from '../src/mw-loss.js';
import { encoder } from './encoder.js';

describeBackends(['cpu', 'wasm'], () => {
  describe('cachedContrastive', () => {
    const x = randomNormal([7, 4], 51) as number[][];
    const y = randomNormal([7, 4], 52) as number[][];
    const labels = [0, 1, 2, 0, 1, 2, 3];
    const mask = labels.map((a) => labels.map((b) => (a === b ? 1 : 0)));
    const losses = {
      infoNce: (q: tf.Tensor, d: tf.Tensor) => infoNceLoss(q, d, { scale: 5 }),
      mw: (q: tf.Tensor, d: tf.Tensor) => mwLoss(cosineSimilarity(q, d), mask, { scale: 5 }),
    };
    for (const [name, loss] of Object.entries(losses)) {
      for (const shared of [true, false]) {
        it(`${name}: the same value and gradients as the plain loss (${shared ? 'shared' : 'two'} encoders, mini-batches of 3)`, () => {
          const queryTower = encoder(1, 4, 3);
          const docTower = shared ? queryTower : encoder(2, 4, 3);
          const variables = shared ? queryTower.variables : [...queryTower.variables, ...docTower.variables];
          const xs = tf.tensor(x);
          const ys = tf.tensor(y);
          const plain = tf.variableGrads(
            () => loss(queryTower.embed(xs), docTower.embed(ys)) as tf.Scalar,
            variables,
          );
          const cached = expectNoLeak(() =>
            cachedContrastive({
              queryInputs: xs,
              docInputs: ys,
              embedQueries: queryTower.embed,
              ...(shared ? {} : { embedDocs: docTower.embed }),
              loss,
              miniBatchSize: 3,
              variables,
            }),
          );
          expectClose(cached.value, plain.value, { rtol: 1e-5 });
          for (const v of variables)
            expectClose(cached.grads[v.name]!, plain.grads[v.name]!, { atol: 1e-6, rtol: 1e-4 });
          tf.dispose([
            xs,
            ys,
            plain.value,
            cached.value,
            ...Object.values(plain.grads),
            ...Object.values(cached.grads),
          ]);
          queryTower.dispose();
          if (!shared) docTower.dispose();
        });
      }
    }
    it('rejects bad arguments', () => {
      const tower = encoder(3, 4, 3);
      const base = { queryInputs: x, docInputs: y, embedQueries: tower.embed, loss: losses.infoNce };
      expectXentError(() => cachedContrastive({ ...base, miniBatchSize: 0 }), 'INVALID_OPTION', {
        argument: 'options.miniBatchSize',
      });
      expectXentError(() => cachedContrastive({ ...base, loss: 3 as never }), 'INVALID_OPTION', {
        argument: 'options.loss',
      });
      expectXentError(() => cachedContrastive({ ...base, queryInputs: tf.zeros([0, 4]) }), 'EMPTY_BATCH', {
        argument: 'queryInputs',
      });
      tower.dispose();
    });
  });
});
