import * as tf from '@tensorflow/tfjs';
import {
  expectClose,
  expectDevicePathAgrees,
  expectNoLeak,
  expectXentError,
  randomInts,
  randomNormal,
} from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { pldLoss } from '../src/index.js';
import { ce64, lse, type Matrix, softmax64 } from './reference.js';

/** π*: the true label, then the other classes by descending teacher logit. */
function teacherOptimal(t: readonly number[], y: number): number[] {
  const rest = t.map((_, c) => c).filter((c) => c !== y);
  rest.sort((a, b) => t[b]! - t[a]! || a - b);
  return [y, ...rest];
}

/** Σ_k w_k (log Σ_{j ≥ k} exp(s_{π_j}) − s_{π_k}), the literal sum over permutation positions. */
function plackettLuce64(s: readonly number[], order: readonly number[], weights: readonly number[]): number {
  let total = 0;
  for (let k = 0; k < order.length; k++) {
    const suffix = order.slice(k).map((c) => s[c]!);
    total += weights[k]! * (lse(suffix) - s[order[k]!]!);
  }
  return total;
}

function pld64(student: Matrix, teacher: Matrix, labels: readonly number[], temperature = 1): number[] {
  return student.map((s, i) => {
    const order = teacherOptimal(teacher[i]!, labels[i]!);
    const q = softmax64(teacher[i]!, temperature);
    return plackettLuce64(
      s,
      order,
      order.map((c) => q[c]!),
    );
  });
}

const student = randomNormal([6, 5], 31, 2) as Matrix;
const teacher = randomNormal([6, 5], 32, 3) as Matrix;
const labels = randomInts(6, 5, 33);
const ref = (inputs: readonly unknown[], options: Record<string, unknown>) =>
  pld64(
    inputs[0] as Matrix,
    inputs[1] as Matrix,
    inputs[2] as number[],
    (options.temperature as number | undefined) ?? 1,
  );

runLossConformance(
  pldLoss,
  [
    { name: 'τ = 1', inputs: [student, teacher, labels], reference: ref },
    { name: 'τ = 4', inputs: [student, teacher, labels], options: { temperature: 4 }, reference: ref },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

// On webgl/webgpu PLD sorts on the device (core's rankRows: tf.topk, no synchronous read) and scans
// with the blocked device reverseLogCumSumExp; on cpu/wasm on the host. The two paths must agree,
// ties in the teacher and a wide student spread included.
describeBackends(['cpu'], () => {
  it('the device path (webgl/webgpu) agrees with the host path', async () => {
    const tiedTeacher = teacher.map((r) => r.map((v) => Math.round(v)));
    const wide = student.map((r) => r.map((v, c) => v * 30 + (c === 2 ? -120 : 0)));
    for (const [s, t] of [
      [student, teacher],
      [student, tiedTeacher],
      [wide, tiedTeacher],
    ] as const) {
      await expectDevicePathAgrees(pldLoss, [s, t, labels]);
      await expectDevicePathAgrees(pldLoss, [s, t, labels], { temperature: 4, reduction: 'none' });
    }
  });
});

const logitRow = fc.array(fc.float({ min: -8, max: 8, noNaN: true }), { minLength: 5, maxLength: 5 });
const fixedTeacher = [teacher[0]!];

describeBackends(['cpu'], () => {
  it('is cross-entropy when the weights are (1, 0, …, 0)', () => {
    fc.assert(
      fc.property(logitRow, fc.integer({ min: 0, max: 4 }), (s, y) => {
        // A teacher certain of y: q_y = 1 − O(e⁻⁶⁰), every other weight O(e⁻⁶⁰).
        const t = [0, 1, 2, 3, 4].map((c) => (c === y ? 60 : 0));
        const loss = pldLoss([s], [t], [y]).dataSync()[0]!;
        const ce = ce64(s, y);
        return Math.abs(loss - ce) <= 1e-4 + 1e-4 * ce;
      }),
      { numRuns: 30 },
    );
  });
  it('is ListMLE / C on the teacher-optimal ranking when the weights are uniform', () => {
    fc.assert(
      fc.property(logitRow, fc.integer({ min: 0, max: 4 }), (s, y) => {
        // Distinct teacher logits fix the ranking; τ = 1e6 makes the weights 1/C within 1e-8.
        const t = [0.3, -0.2, 0.1, 0.5, -0.4];
        const loss = pldLoss([s], [t], [y], { temperature: 1e6 }).dataSync()[0]!;
        const listMle = plackettLuce64(s, teacherOptimal(t, y), [1, 1, 1, 1, 1]);
        return Math.abs(5 * loss - listMle) <= 1e-4 + 1e-4 * listMle;
      }),
      { numRuns: 30 },
    );
  });
  it('is convex in the student logits', () => {
    fc.assert(
      fc.property(logitRow, logitRow, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, lambda) => {
        const mixed = a.map((v, i) => lambda * v + (1 - lambda) * b[i]!);
        const at = (s: number[]) => pldLoss([s], fixedTeacher, [labels[0]!]).dataSync()[0]!;
        return at(mixed) <= lambda * at(a) + (1 - lambda) * at(b) + 1e-4;
      }),
      { numRuns: 30 },
    );
  });
  it('is invariant to adding a constant to the student logits', () => {
    fc.assert(
      fc.property(logitRow, fc.float({ min: -50, max: 50, noNaN: true }), (s, shift) => {
        const at = (x: number[]) => pldLoss([x], fixedTeacher, [labels[0]!]).dataSync()[0]!;
        const base = at(s);
        return Math.abs(at(s.map((v) => v + shift)) - base) <= 1e-4 + 1e-4 * base;
      }),
      { numRuns: 30 },
    );
  });
  it('keeps full precision when a suffix lies far below the row maximum', () => {
    const s = [[0, -200, -300, -250, -260]];
    const t = [[5, 4, 3, 2, 1]];
    const loss = pldLoss(s, t, [0], { reduction: 'none' });
    expectClose(loss, pld64(s, t, [0]), { rtol: 1e-5 });
    expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
    loss.dispose();
  });
  it('puts the true label first even when the teacher ranks it last', () => {
    const s = [[1, 2, 3]];
    const t = [[3, 2, 1]];
    // π* = (2, 0, 1): label 2 first though the teacher ranks it last.
    const q = softmax64(t[0]!, 1);
    const expected = plackettLuce64(s[0]!, [2, 0, 1], [q[2]!, q[0]!, q[1]!]);
    expectClose(pldLoss(s, t, [2], { reduction: 'none' }), [expected]);
  });
  it('rejects soft targets, a teacher of another shape, labels out of range', () => {
    const soft = labels.map((y) => [0, 1, 2, 3, 4].map((c) => (c === y ? 1 : 0)));
    expectXentError(() => pldLoss(student, teacher, soft), 'DTYPE_MISMATCH', { argument: 'labels' });
    expectXentError(() => pldLoss(student, teacher.slice(2), labels), 'SHAPE_MISMATCH', {
      argument: 'teacherLogits',
    });
    expectXentError(() => pldLoss(student, teacher, [0, 1, 2, 3, 4, 5]), 'LABEL_OUT_OF_RANGE', {
      argument: 'labels',
    });
    expectXentError(() => pldLoss(student, teacher, labels, { temperature: -1 }), 'INVALID_OPTION', {
      argument: 'options.temperature',
    });
  });
  it('drops ignored rows and leaks nothing, gradient included', () => {
    const withIgnored = [...labels.slice(0, 5), -1];
    const expected = pld64(student.slice(0, 5), teacher.slice(0, 5), labels.slice(0, 5));
    expectClose(
      pldLoss(student, teacher, withIgnored, { ignoreIndex: -1 }),
      expected.reduce((a, b) => a + b) / 5,
    );
    const s = tf.tensor(student);
    const t = tf.tensor(teacher);
    expectNoLeak(() => pldLoss(s, t, labels));
    expectNoLeak(() => tf.grad((x: tf.Tensor) => pldLoss(x, t, labels))(s));
    tf.dispose([s, t]);
  });
});
