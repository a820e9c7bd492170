import * as tf from '@tensorflow/tfjs';
import { expectClose, expectXentError, randomInts, randomNormal } from '@xent/testing';
import { describe, expect, it } from 'vitest';
import { dkdLoss, kdLoss, pldLoss } from '../src/index.js';
import { ce64, kl64, type Matrix, softmax64 } from './reference.js';

// Logits [B, T, C] of a sequence model: core flattens the leading dims (leadingDims: 'flatten').
const B = 2;
const T = 3;
const C = 5;
const student = randomNormal([B, T, C], 21, 2) as Matrix[];
const teacher = randomNormal([B, T, C], 22, 2) as Matrix[];
const ids = [randomInts(T, C, 23), randomInts(T, C, 24)];

describe('distillation losses on sequence logits [B, T, C]', () => {
  it('equal the reshape-by-hand result (none, sum, mean)', () => {
    const cases: [string, (...a: any[]) => tf.Tensor, unknown[]][] = [
      ['kdLoss', kdLoss, [student, teacher]],
      ['dkdLoss', dkdLoss, [student, teacher, ids]],
      ['pldLoss', pldLoss, [student, teacher, ids]],
    ];
    for (const [name, loss, inputs] of cases) {
      const flat = inputs.map((x) => (x as unknown[]).flat());
      for (const reduction of ['none', 'sum', 'mean'] as const) {
        const ours = loss(...inputs, { reduction });
        const byHand = loss(...flat, { reduction });
        expect(ours.shape, name).toEqual(reduction === 'none' ? [B, T] : []);
        expectClose(ours, reduction === 'none' ? tf.reshape(byHand, [B, T]) : byHand, {
          atol: 1e-5,
          message: `${name} ${reduction}`,
        });
      }
    }
  });

  it("kdLoss takes its label term's ids as [B, T] and masks positions with weights [B, T]", () => {
    const mask = [
      [1, 1, 0],
      [0, 1, 1],
    ];
    let total = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const kd = 4 * kl64(softmax64(teacher[b]![t]!, 2), softmax64(student[b]![t]!, 2));
        total += mask[b]![t]! * (0.3 * ce64(student[b]![t]!, ids[b]![t]!) + 0.7 * kd);
      }
    }
    const options = { temperature: 2, alpha: 0.3, labels: ids, weights: mask };
    expectClose(kdLoss(student, teacher, options), total / 4, { atol: 1e-5 });
    expectXentError(() => kdLoss(student, teacher, { ...options, labels: ids.flat() }), 'SHAPE_MISMATCH', {
      argument: 'options.labels',
    });
  });

  it('rejects a teacher whose leading dims differ from the student', () => {
    expectXentError(() => kdLoss(student, teacher.slice(0, 1)), 'SHAPE_MISMATCH', {
      argument: 'teacherLogits',
    });
  });
});
