import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomInts, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { dualHeadKdLoss } from '../src/index.js';
import { ce64, kl64, type Matrix, softmax64 } from './reference.js';

interface DhRefOptions {
  temperature?: number;
  auxWeight?: number;
  ceWeight?: number;
  probLoss?: 'ce' | 'ce+kd';
  kdTemperature?: number;
  kdWeight?: number;
}

/** The official BinaryKLNorm, literally: d = clamp(σ((s − t)/T), ε, 1 − ε); ½log(½/d) + ½log(½/(1 − d)). */
function binaryKlNorm64(s: readonly number[], t: readonly number[], T: number): number {
  let total = 0;
  for (let c = 0; c < s.length; c++) {
    const sigma = 1 / (1 + Math.exp(-(s[c]! - t[c]!) / T));
    const d = Math.min(Math.max(sigma, 1e-8), 1 - 1e-8);
    total += 0.5 * Math.log(0.5 / d) + 0.5 * Math.log(0.5 / (1 - d));
  }
  return T * T * total;
}

function dualHead64(
  main: Matrix,
  aux: Matrix,
  teacher: Matrix,
  labels: number[],
  options: DhRefOptions = {},
) {
  const {
    temperature = 2,
    auxWeight = 1,
    ceWeight = 1,
    probLoss = 'ce',
    kdTemperature = 4,
    kdWeight = 1,
  } = options;
  return main.map((row, i) => {
    let loss =
      ceWeight * ce64(row, labels[i]!) + auxWeight * binaryKlNorm64(aux[i]!, teacher[i]!, temperature);
    if (probLoss === 'ce+kd') {
      const T = kdTemperature;
      loss += kdWeight * T * T * kl64(softmax64(teacher[i]!, T), softmax64(row, T));
    }
    return loss;
  });
}

const main = randomNormal([5, 4], 51, 2) as Matrix;
const aux = randomNormal([5, 4], 52, 2) as Matrix;
const teacher = randomNormal([5, 4], 53, 3) as Matrix;
const labels = randomInts(5, 4, 54);
const ref = (inputs: readonly unknown[], options: Record<string, unknown>) =>
  dualHead64(
    inputs[0] as Matrix,
    inputs[1] as Matrix,
    inputs[2] as Matrix,
    inputs[3] as number[],
    options as DhRefOptions,
  );

runLossConformance(
  dualHeadKdLoss,
  [
    { name: 'official defaults (T 2, α 1, γ 1)', inputs: [main, aux, teacher, labels], reference: ref },
    {
      name: 'ce+kd, α 0.1, T 4',
      inputs: [main, aux, teacher, labels],
      options: { probLoss: 'ce+kd', auxWeight: 0.1, temperature: 4, kdTemperature: 2, kdWeight: 0.5 },
      reference: ref,
    },
  ],
  { backends: ['cpu', 'wasm'] },
);
runLossConformance(
  dualHeadKdLoss,
  [
    {
      name: 'webgpu',
      inputs: [main.slice(0, 2), aux.slice(0, 2), teacher.slice(0, 2), labels.slice(0, 2)],
      reference: ref,
    },
  ],
  { backends: ['webgpu'] },
);

describeBackends(['cpu'], () => {
  it('is CE + α·T²·Σ log cosh((z₂ − t)/(2T)) inside the clamp', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (z2, t) => {
          const z1 = [0, 0, 0];
          const loss = dualHeadKdLoss([z1], [z2], [t], [0], { ceWeight: 0 }).dataSync()[0]!;
          const expected = 4 * z2.reduce((s, v, c) => s + Math.log(Math.cosh((v - t[c]!) / 4)), 0);
          return Math.abs(loss - expected) <= 1e-4 + 1e-4 * expected;
        },
      ),
      { numRuns: 30 },
    );
  });
  it('saturates like the official ε-clamp instead of overflowing for far-apart logits', () => {
    const loss = dualHeadKdLoss([[0, 0]], [[200, -200]], [[-200, 200]], [0], {
      ceWeight: 0,
      reduction: 'none',
    });
    expectClose(loss, dualHead64([[0, 0]], [[200, -200]], [[-200, 200]], [0], { ceWeight: 0 }), {
      rtol: 1e-5,
    });
    expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
    loss.dispose();
  });
  it('sends the CE gradient only to the main head and the logit loss only to the auxiliary head', () => {
    const [gMain, gAux] = tf.grads((m: tf.Tensor, a: tf.Tensor) => dualHeadKdLoss(m, a, teacher, labels))([
      tf.tensor(main),
      tf.tensor(aux),
    ]);
    const [gMainCe] = tf.grads((m: tf.Tensor) => dualHeadKdLoss(m, aux, teacher, labels, { auxWeight: 0 }))([
      tf.tensor(main),
    ]);
    const [gAuxKd] = tf.grads((a: tf.Tensor) => dualHeadKdLoss(main, a, teacher, labels, { ceWeight: 0 }))([
      tf.tensor(aux),
    ]);
    expectClose(gMain!, gMainCe!);
    expectClose(gAux!, gAuxKd!);
    tf.dispose([gMain!, gAux!, gMainCe!, gAuxKd!]);
  });
  it('rejects a teacher of another shape, labels out of range, a bad probLoss; leaks nothing', () => {
    expectXentError(() => dualHeadKdLoss(main, aux, teacher.slice(1), labels), 'SHAPE_MISMATCH', {
      argument: 'teacherLogits',
    });
    expectXentError(
      () =>
        dualHeadKdLoss(
          main,
          aux.map((r) => r.slice(1)),
          teacher,
          labels,
        ),
      'SHAPE_MISMATCH',
      {
        argument: 'auxLogits',
      },
    );
    expectXentError(() => dualHeadKdLoss(main, aux, teacher, [0, 1, 2, 3, 4]), 'LABEL_OUT_OF_RANGE', {
      argument: 'labels',
    });
    expectXentError(
      () => dualHeadKdLoss(main, aux, teacher, labels, { probLoss: 'kl' as never }),
      'INVALID_OPTION',
      {
        argument: 'options.probLoss',
      },
    );
    const t = tf.tensor(teacher);
    expectNoLeak(() => dualHeadKdLoss(main, aux, t, labels, { probLoss: 'ce+kd' }));
    t.dispose();
  });
});
