import * as tf from '@tensorflow/tfjs';
import { expectNoLeak, expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import {
  activePassiveLoss,
  adversarialCompSumLoss,
  aldrKlLoss,
  createAldrKlState,
  crossEntropyLoss,
  focalLoss,
  logitClip,
  normalizedCrossEntropyLoss,
  reverseCrossEntropyLoss,
} from '../src/index.js';

const finite = (t: tf.Tensor) => Array.from(t.dataSync()).every(Number.isFinite);

describe('losses keep the input contract (issue 13)', () => {
  it('C = 1: a typed error for the normalised losses, no NaN', () => {
    const logits = [[0.3], [-1.2]];
    const labels = [0, 0];
    const state = createAldrKlState(2);
    const indices = tf.tensor1d([0, 1], 'int32');
    const cases: [string, () => unknown][] = [
      ['normalizedCrossEntropyLoss', () => normalizedCrossEntropyLoss(logits, labels)],
      ['activePassiveLoss', () => activePassiveLoss(logits, labels)],
      ['aldrKlLoss', () => aldrKlLoss(logits, labels, { state, indices })],
    ];
    for (const [fn, run] of cases) {
      expectNoLeak(() =>
        expectXentError(run, 'SHAPE_MISMATCH', { argument: 'logits', includes: [fn, 'C ≥ 2'] }),
      );
    }
    state.dispose();
    indices.dispose();
  });

  it('reverseCrossEntropyLoss with C = 1: 0 with a zero, finite gradient, no leak', () => {
    const x = tf.tensor2d([[0.3], [-1.2]]);
    const y = tf.tensor1d([0, 0], 'int32');
    expectNoLeak(() =>
      tf.tidy(() => {
        expect(reverseCrossEntropyLoss(x, y).dataSync()[0]).toBe(0);
        const g = tf.grad((z: tf.Tensor) => reverseCrossEntropyLoss(z, y))(x);
        expect(finite(g)).toBe(true);
        expect(Array.from(g.dataSync())).toEqual([0, 0]);
      }),
    );
    tf.dispose([x, y]);
  });

  it('±Infinity in numeric options → INVALID_OPTION (focal γ = ∞ used to give 0 with a NaN gradient)', () => {
    expectXentError(() => focalLoss([[1, 2]], [0], { gamma: Number.POSITIVE_INFINITY }), 'INVALID_OPTION', {
      argument: 'options.gamma',
    });
    expectXentError(() => logitClip(crossEntropyLoss, { tau: Number.POSITIVE_INFINITY }), 'INVALID_OPTION');
  });

  it('loop counts are bounded: adversarialCompSumLoss steps 1e30 → INVALID_OPTION', () => {
    expectXentError(
      () => adversarialCompSumLoss([[1, 2]], [0], { model: (x: tf.Tensor) => x, steps: 1e30 }),
      'INVALID_OPTION',
      { argument: 'options.steps', includes: ['[0, 1000]'] },
    );
  });

  it('adversarialCompSumLoss: seed 0 is deterministic', () => {
    const model = (x: tf.Tensor) => tf.mul(x, 2);
    const run = () => adversarialCompSumLoss([[1, 2, 0.5]], [0], { model, steps: 0, seed: 0 }).dataSync()[0];
    expect(run()).toBe(run());
  });

  it('createAldrKlState: one tensor (the variable), options checked', () => {
    const before = tf.memory().numTensors;
    const state = createAldrKlState(4, 2);
    expect(tf.memory().numTensors - before).toBe(1);
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expectXentError(() => createAldrKlState(2.5), 'INVALID_OPTION', { argument: 'options.numSamples' });
    expectXentError(() => createAldrKlState(3, Number.POSITIVE_INFINITY), 'INVALID_OPTION');
  });

  it('logitClip rejects unknown options with a "did you mean" and a non-loss', () => {
    expectXentError(() => logitClip(crossEntropyLoss, { temperature: 1 } as never), 'INVALID_OPTION');
    expectXentError(() => logitClip(crossEntropyLoss, { taus: 1 } as never), 'INVALID_OPTION', {
      includes: ["did you mean 'tau'?"],
    });
    expectXentError(() => logitClip((() => 0) as never), 'INVALID_OPTION');
  });

  it('ragged arrays and ids beyond int32 → typed errors', () => {
    expectXentError(
      () =>
        crossEntropyLoss(
          [
            [1, 2, 3],
            [4, 5],
          ],
          [0, 1],
        ),
      'SHAPE_MISMATCH',
      { argument: 'logits' },
    );
    expectXentError(
      () =>
        crossEntropyLoss(
          [
            [1, 2],
            [3, 4],
          ],
          [0, 2 ** 32 + 1],
        ),
      'DTYPE_MISMATCH',
      {
        argument: 'labels',
      },
    );
  });
});
