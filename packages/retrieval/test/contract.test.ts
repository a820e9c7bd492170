import * as tf from '@tensorflow/tfjs';
import { expectNoLeak, expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import {
  cachedContrastive,
  createSigmoidLoss,
  infoNceLoss,
  marginMseLoss,
  mineHardNegatives,
  ndcgAtK,
  recallAtK,
  softTopKLoss,
} from '../src/index.js';

const finite = (t: tf.Tensor) => Array.from(t.dataSync()).every(Number.isFinite);

describe('retrieval keeps the input contract (issue 13)', () => {
  it('softTopKLoss: finite gradient for equal scores with one outlier (all memberships saturated)', () => {
    const cases: [number[], number[], number][] = [
      [[-1, -11], [0, 1], 1],
      [[-1, -11, -1, -1, -1, -1], [0, 0, 0, 1, 0, 0], 5],
      [[0.3, 0.3, 0.3, 0.3, 100], [1, 0, 0, 0, 1], 1],
    ];
    for (const [row, t, k] of cases) {
      expectNoLeak(() =>
        tf.tidy(() => {
          const g = tf.grad((x: tf.Tensor) => softTopKLoss(x, tf.tensor2d([t]), { k }))(tf.tensor2d([row]));
          expect(finite(g), JSON.stringify(row)).toBe(true);
        }),
      );
    }
  });

  it('softTopKLoss: iterations are bounded (1e7 → INVALID_OPTION, no unbounded loop)', () => {
    expectXentError(
      () => softTopKLoss([[1, 2, 3]], [[1, 0, 0]], { k: 1, iterations: 1e7 }),
      'INVALID_OPTION',
      {
        argument: 'options.iterations',
      },
    );
  });

  it('infoNceLoss with N = 1: value 0 and a zero, finite gradient, no leak', () => {
    const q = tf.tensor2d([[0.2, 0.5]]);
    const d = tf.tensor2d([[0.1, -0.3]]);
    expectNoLeak(() =>
      tf.tidy(() => {
        for (const symmetric of [false, true]) {
          const [gq, gd] = tf.grads((a: tf.Tensor, b: tf.Tensor) => infoNceLoss(a, b, { symmetric }))([q, d]);
          expect(infoNceLoss(q, d, { symmetric }).dataSync()[0]).toBeCloseTo(0, 6);
          expect(Array.from(gq!.dataSync())).toEqual([0, 0]);
          expect(Array.from(gd!.dataSync())).toEqual([0, 0]);
        }
      }),
    );
    tf.dispose([q, d]);
  });

  it('marginMseLoss with K = 0: 0 with a zero gradient', () => {
    const pos = tf.tensor1d([1, 2]);
    const none = tf.zeros([2, 0]);
    expectNoLeak(() =>
      tf.tidy(() => {
        const g = tf.grad((p: tf.Tensor) => marginMseLoss(p, none, none))(pos);
        expect(marginMseLoss(pos, none, none).dataSync()[0]).toBe(0);
        expect(Array.from(g.dataSync())).toEqual([0, 0]);
      }),
    );
    tf.dispose([pos, none]);
  });

  it('createSigmoidLoss leaks nothing but its two variables and checks its options', () => {
    const before = tf.memory().numTensors;
    const siglip = createSigmoidLoss({ temperature: 5 });
    expect(tf.memory().numTensors - before).toBe(2);
    siglip.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expectXentError(() => createSigmoidLoss({ temprature: 5 } as never), 'INVALID_OPTION', {
      includes: ["did you mean 'temperature'?"],
    });
    expectXentError(() => createSigmoidLoss({ bias: Number.NEGATIVE_INFINITY }), 'INVALID_OPTION');
  });

  it('cachedContrastive and the ranking metrics reject unknown options with a "did you mean"', () => {
    expectXentError(
      () =>
        cachedContrastive({
          queryInputs: [[1]],
          docInputs: [[1]],
          embedQueries: (x: tf.Tensor) => x,
          loss: (q: tf.Tensor) => tf.sum(q),
          minibatchSize: 2,
        } as never),
      'INVALID_OPTION',
      { includes: ["did you mean 'miniBatchSize'?"] },
    );
    expectXentError(
      () =>
        cachedContrastive({ queryInputs: [[1]], docInputs: [[1]], embedQueries: 3, loss: () => 0 } as never),
      'INVALID_OPTION',
      { argument: 'options.embedQueries' },
    );
    expectXentError(() => recallAtK([[1, 2]], [[0, 1]], { K: 1 } as never), 'INVALID_OPTION', {
      includes: ["did you mean 'k'?"],
    });
    expectXentError(() => ndcgAtK([[1, 2]], [[0, 1]], { gian: 'linear' } as never), 'INVALID_OPTION', {
      includes: ["did you mean 'gain'?"],
    });
  });

  it('mineHardNegatives rejects unknown options with a "did you mean"', async () => {
    await expect(
      mineHardNegatives(
        [[1, 0]],
        [
          [1, 0],
          [0, 1],
        ],
        [[0]],
        { numNegative: 1 } as never,
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining("did you mean 'numNegatives'?"),
    });
  });
});
