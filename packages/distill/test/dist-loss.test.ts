import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { distLoss } from '../src/index.js';
import { type Matrix, mean64, softmax64 } from './reference.js';

function pearson64(a: readonly number[], b: readonly number[]): number {
  const ma = mean64(a);
  const mb = mean64(b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i]! - ma) * (b[i]! - mb);
    na += (a[i]! - ma) ** 2;
    nb += (b[i]! - mb) ** 2;
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb) + 1e-8);
}

function dist64(student: Matrix, teacher: Matrix, options: Record<string, unknown> = {}): number {
  const {
    beta = 1,
    gamma = 1,
    temperature = 1,
  } = options as { beta?: number; gamma?: number; temperature?: number };
  const ys = student.map((row) => softmax64(row, temperature));
  const yt = teacher.map((row) => softmax64(row, temperature));
  const inter = 1 - mean64(ys.map((row, i) => pearson64(row, yt[i]!)));
  const column = (m: Matrix, c: number) => m.map((row) => row[c]!);
  const intra = 1 - mean64(ys[0]!.map((_, c) => pearson64(column(ys, c), column(yt, c))));
  return temperature * temperature * (beta * inter + gamma * intra);
}

const student = randomNormal([6, 4], 41, 2) as Matrix;
const teacher = randomNormal([6, 4], 42, 3) as Matrix;
const ref = (inputs: readonly unknown[], options: Record<string, unknown>) =>
  dist64(inputs[0] as Matrix, inputs[1] as Matrix, options);

runLossConformance(
  distLoss,
  [
    { name: 'defaults', inputs: [student, teacher], reference: ref },
    {
      name: 'β 2, γ 2, τ 4',
      inputs: [student, teacher],
      options: { beta: 2, gamma: 2, temperature: 4 },
      reference: ref,
    },
  ],
  { backends: ['cpu', 'wasm'] },
);
runLossConformance(
  distLoss,
  [{ name: 'webgpu', inputs: [student.slice(0, 3), teacher.slice(0, 3)], reference: ref }],
  { backends: ['webgpu'] },
);

describeBackends(['cpu'], () => {
  it('is 0 for a perfect match and invariant to a positive affine map of the student probabilities’ relations', () => {
    expectClose(distLoss(teacher, teacher), 0, { atol: 1e-5 });
    // A shift of the student logits leaves the softmax, hence the loss, unchanged.
    fc.assert(
      fc.property(fc.float({ min: -20, max: 20, noNaN: true }), (shift) => {
        const base = distLoss(student, teacher).dataSync()[0]!;
        const moved = distLoss(
          student.map((row) => row.map((v) => v + shift)),
          teacher,
        ).dataSync()[0]!;
        return Math.abs(moved - base) < 1e-4;
      }),
      { numRuns: 20 },
    );
  });
  it('lies in [0, 2τ²(β + γ)]', () => {
    const value = distLoss(student, teacher, { temperature: 2 }).dataSync()[0]!;
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(16);
  });
  it('rejects a teacher of another shape and per-example options; leaks nothing', () => {
    expectXentError(() => distLoss(student, teacher.slice(1)), 'SHAPE_MISMATCH', {
      argument: 'teacherLogits',
    });
    expectXentError(() => distLoss(student, teacher, { reduction: 'none' } as never), 'INVALID_OPTION', {
      argument: 'options.reduction',
    });
    const s = tf.tensor(student);
    const t = tf.tensor(teacher);
    expectNoLeak(() => distLoss(s, t));
    expectNoLeak(() => tf.grad((x: tf.Tensor) => distLoss(x, t))(s));
    tf.dispose([s, t]);
  });
});
