import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomInts, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { kdLoss } from '../src/index.js';
import { ce64, kl64, type Matrix, softmax64, standardize64 } from './reference.js';

interface KdRefOptions {
  temperature?: number;
  alpha?: number;
  labels?: number[];
  logitStandardization?: boolean;
}

function kd64(student: Matrix, teacher: Matrix, options: KdRefOptions = {}): number[] {
  const T = options.temperature ?? 4;
  const alpha = options.alpha ?? 0;
  return student.map((row, i) => {
    const s = options.logitStandardization ? standardize64(row) : row;
    const t = options.logitStandardization ? standardize64(teacher[i]!) : teacher[i]!;
    const kd = T * T * kl64(softmax64(t, T), softmax64(s, T));
    return alpha === 0 ? kd : alpha * ce64(row, options.labels![i]!) + (1 - alpha) * kd;
  });
}

const student = randomNormal([5, 4], 11, 2) as Matrix;
const teacher = randomNormal([5, 4], 12, 3) as Matrix;
const labels = randomInts(5, 4, 13);
const ref = (inputs: readonly unknown[], options: Record<string, unknown>) =>
  kd64(inputs[0] as Matrix, inputs[1] as Matrix, options as KdRefOptions);

runLossConformance(
  kdLoss,
  [
    { name: 'T = 4', inputs: [student, teacher], reference: ref },
    { name: 'T = 1', inputs: [student, teacher], options: { temperature: 1 }, reference: ref },
    {
      name: 'label term α = 0.3',
      inputs: [student, teacher],
      options: { temperature: 2, alpha: 0.3, labels },
      reference: ref,
    },
    {
      name: 'logit standardization',
      inputs: [student, teacher],
      options: { temperature: 2, logitStandardization: true },
      reference: ref,
    },
  ],
  { backends: ['cpu', 'wasm'] },
);
runLossConformance(
  kdLoss,
  [
    {
      name: 'webgpu, T = 2',
      inputs: [student.slice(0, 2), teacher.slice(0, 2)],
      options: { temperature: 2 },
      reference: ref,
    },
  ],
  { backends: ['webgpu'] },
);

describeBackends(['cpu'], () => {
  it('is T²·KL: the T² factor keeps the gradient scale as T grows', () => {
    const s = tf.tensor(student);
    const t = tf.tensor(teacher);
    for (const T of [1, 2, 8]) {
      const loss = kdLoss(s, t, { temperature: T, reduction: 'none' });
      const kl = student.map((row, i) => kl64(softmax64(teacher[i]!, T), softmax64(row, T)));
      expectClose(
        loss,
        kl.map((v) => T * T * v),
      );
    }
    // For large T, T²·KL → (1/(2C))·Σ (centred s − centred t)² / ... stays O(1): compare T = 50 and T = 100.
    const big = kdLoss(s, t, { temperature: 50 }).dataSync()[0]!;
    const bigger = kdLoss(s, t, { temperature: 100 }).dataSync()[0]!;
    expect(bigger / big).toBeGreaterThan(0.9);
    expect(bigger / big).toBeLessThan(1.1);
    tf.dispose([s, t]);
  });
  it('is zero when the student equals the teacher, and positive otherwise', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (a, b) => {
          const same = kdLoss([a], [a]).dataSync()[0]!;
          const other = kdLoss([a], [b]).dataSync()[0]!;
          return Math.abs(same) < 1e-5 && other > -1e-5;
        },
      ),
      { numRuns: 30 },
    );
  });
  it('with standardization, ignores shifts and scales of either logits', () => {
    const s = tf.tensor(student);
    const t = tf.tensor(teacher);
    const base = kdLoss(s, t, { logitStandardization: true, reduction: 'none' });
    const moved = kdLoss(tf.add(tf.mul(s, 3), 7), tf.sub(tf.mul(t, 0.5), 2), {
      logitStandardization: true,
      reduction: 'none',
    });
    expectClose(moved, base, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([s, t, base, moved]);
  });
  it('accepts soft targets for the label term', () => {
    const soft = labels.map((y) => [0, 1, 2, 3].map((c) => (c === y ? 1 : 0)));
    expectClose(
      kdLoss(student, teacher, { alpha: 0.5, labels: soft, reduction: 'none' }),
      kd64(student, teacher, { alpha: 0.5, labels }),
    );
  });
  it('rejects a teacher of another shape, missing or bad labels', () => {
    expectXentError(() => kdLoss(student, teacher.slice(0, 4)), 'SHAPE_MISMATCH', {
      argument: 'teacherLogits',
    });
    expectXentError(
      () =>
        kdLoss(
          student,
          teacher.map((r) => r.slice(0, 3)),
        ),
      'SHAPE_MISMATCH',
      {
        argument: 'teacherLogits',
      },
    );
    expectXentError(() => kdLoss(student, teacher, { alpha: 0.5 }), 'INVALID_OPTION', {
      argument: 'options.labels',
    });
    expectXentError(
      () => kdLoss(student, teacher, { alpha: 0.5, labels: [0, 1, 2, 3, 4] }),
      'LABEL_OUT_OF_RANGE',
      {
        argument: 'options.labels',
      },
    );
    expectXentError(() => kdLoss(student, teacher, { alpha: 0.5, labels: [0, 1] }), 'SHAPE_MISMATCH', {
      argument: 'options.labels',
    });
    expectXentError(() => kdLoss(student, teacher, { temperature: 0 }), 'INVALID_OPTION', {
      argument: 'options.temperature',
    });
    expectXentError(() => kdLoss(student, teacher, { alpha: 1.5, labels }), 'INVALID_OPTION', {
      argument: 'options.alpha',
    });
    expectXentError(() => kdLoss([[1], [2]], [[1], [2]], { logitStandardization: true }), 'INVALID_OPTION');
  });
  it('leaks nothing, with the label term too', () => {
    const s = tf.tensor(student);
    const t = tf.tensor(teacher);
    expectNoLeak(() => kdLoss(s, t, { alpha: 0.2, labels, logitStandardization: true }));
    tf.dispose([s, t]);
  });
});
