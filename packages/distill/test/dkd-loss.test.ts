import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomInts, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { it } from 'vitest';
import { dkdLoss, kdLoss } from '../src/index.js';
import { kl64, type Matrix, softmax64, standardize64 } from './reference.js';

interface DkdRefOptions {
  alpha?: number;
  beta?: number;
  temperature?: number;
  logitStandardization?: boolean;
}

/** TCKD and NCKD of one example, from the DKD paper's definitions (b = [p_y, 1 − p_y], p̂ over j ≠ y). */
function terms64(s: readonly number[], t: readonly number[], y: number, T: number) {
  const ps = softmax64(s, T);
  const pt = softmax64(t, T);
  const tckd = kl64([pt[y]!, 1 - pt[y]!], [ps[y]!, 1 - ps[y]!]);
  const rest = (p: number[]) => {
    const others = p.filter((_, j) => j !== y);
    const total = others.reduce((a, b) => a + b, 0);
    return others.map((v) => v / total);
  };
  return { tckd: T * T * tckd, nckd: T * T * kl64(rest(pt), rest(ps)), ptY: pt[y]! };
}

function dkd64(student: Matrix, teacher: Matrix, labels: number[], options: DkdRefOptions = {}): number[] {
  const { alpha = 1, beta = 8, temperature = 4 } = options;
  return student.map((row, i) => {
    const s = options.logitStandardization ? standardize64(row) : row;
    const t = options.logitStandardization ? standardize64(teacher[i]!) : teacher[i]!;
    const { tckd, nckd } = terms64(s, t, labels[i]!, temperature);
    return alpha * tckd + beta * nckd;
  });
}

const student = randomNormal([5, 4], 21, 2) as Matrix;
const teacher = randomNormal([5, 4], 22, 3) as Matrix;
const labels = randomInts(5, 4, 23);
const ref = (inputs: readonly unknown[], options: Record<string, unknown>) =>
  dkd64(inputs[0] as Matrix, inputs[1] as Matrix, inputs[2] as number[], options as DkdRefOptions);

runLossConformance(
  dkdLoss,
  [
    { name: 'defaults (α 1, β 8, T 4)', inputs: [student, teacher, labels], reference: ref },
    {
      name: 'α 0.5, β 2, T 1',
      inputs: [student, teacher, labels],
      options: { alpha: 0.5, beta: 2, temperature: 1 },
      reference: ref,
    },
    {
      name: 'logit standardization',
      inputs: [student, teacher, labels],
      options: { temperature: 2, logitStandardization: true },
      reference: ref,
    },
  ],
  { backends: ['cpu', 'wasm'] },
);
runLossConformance(
  dkdLoss,
  [
    {
      name: 'webgpu',
      inputs: [student.slice(0, 2), teacher.slice(0, 2), labels.slice(0, 2)],
      options: { temperature: 2 },
      reference: ref,
    },
  ],
  { backends: ['webgpu'] },
);

describeBackends(['cpu'], () => {
  it('decomposes KD: KD = TCKD + (1 − pᵀ_y)·NCKD (Zhao et al., eq. 4)', () => {
    const row = fc.array(fc.float({ min: -6, max: 6, noNaN: true }), { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(row, row, fc.integer({ min: 0, max: 3 }), fc.constantFrom(1, 2, 4), (s, t, y, T) => {
        const kd = kdLoss([s], [t], { temperature: T }).dataSync()[0]!;
        const tckd = dkdLoss([s], [t], [y], { alpha: 1, beta: 0, temperature: T }).dataSync()[0]!;
        const nckd = dkdLoss([s], [t], [y], { alpha: 0, beta: 1, temperature: T }).dataSync()[0]!;
        const ptY = softmax64(t, T)[y]!;
        const expected = tckd + (1 - ptY) * nckd;
        return Math.abs(kd - expected) <= 1e-4 + 1e-3 * Math.abs(kd);
      }),
      { numRuns: 40 },
    );
  });
  it('is zero when the student equals the teacher', () => {
    expectClose(dkdLoss(teacher, teacher, labels, { reduction: 'none' }), [0, 0, 0, 0, 0], { atol: 1e-5 });
  });
  it('stays finite when a class probability underflows (no log 0)', () => {
    const loss = dkdLoss([[80, -80, 0]], [[-80, 80, 0]], [2], { temperature: 1, reduction: 'none' });
    expectClose(loss, dkd64([[80, -80, 0]], [[-80, 80, 0]], [2], { temperature: 1 }), { rtol: 1e-4 });
  });
  it('rejects soft targets, one class, a teacher of another shape, labels out of range', () => {
    const soft = labels.map((y) => [0, 1, 2, 3].map((c) => (c === y ? 1 : 0)));
    expectXentError(() => dkdLoss(student, teacher, soft), 'DTYPE_MISMATCH', { argument: 'labels' });
    expectXentError(() => dkdLoss([[1], [2]], [[1], [2]], [0, 0]), 'SHAPE_MISMATCH', {
      argument: 'studentLogits',
    });
    expectXentError(() => dkdLoss(student, teacher.slice(1), labels), 'SHAPE_MISMATCH', {
      argument: 'teacherLogits',
    });
    expectXentError(() => dkdLoss(student, teacher, [0, 1, 2, 3, 4]), 'LABEL_OUT_OF_RANGE', {
      argument: 'labels',
    });
    expectXentError(() => dkdLoss(student, teacher, labels, { beta: -1 }), 'INVALID_OPTION', {
      argument: 'options.beta',
    });
  });
  it('drops ignored rows and leaks nothing', () => {
    const withIgnored = [...labels.slice(0, 4), -100];
    const expected = dkd64(student.slice(0, 4), teacher.slice(0, 4), labels.slice(0, 4));
    expectClose(
      dkdLoss(student, teacher, withIgnored, { ignoreIndex: -100 }),
      expected.reduce((a, b) => a + b) / 4,
    );
    const s = tf.tensor(student);
    const t = tf.tensor(teacher);
    expectNoLeak(() => dkdLoss(s, t, labels, { logitStandardization: true }));
    tf.dispose([s, t]);
  });
});
