import * as tf from '@tensorflow/tfjs';
import { registry } from '@xent/core';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jsdLoss,
  kdLoss,
  reverseKlLoss,
  skewKlLoss,
  skewReverseKlLoss,
  sparseKdLoss,
  tvdLoss,
} from '../src/index.js';
import fixture from './fixtures/divergences.json' with { type: 'json' };
import { kl64, type Matrix, softmax64 } from './reference.js';

type Options = Record<string, unknown>;
type Row = readonly number[];

// Float64 references from the formulas, per row (p teacher, q student, both softened by T).
const mix = (a: Row, b: Row, w: number) => a.map((v, i) => w * v + (1 - w) * b[i]!);
const divergences: Record<string, (q: Row, p: Row, o: Options) => number> = {
  reverseKl: (q, p) => kl64(q, p),
  jsd: (q, p, o) => {
    const beta = (o.beta as number) ?? 0.5;
    if (beta === 0) return kl64(p, q);
    if (beta === 1) return kl64(q, p);
    const m = mix(p, q, beta);
    return beta * kl64(p, m) + (1 - beta) * kl64(q, m);
  },
  tvd: (q, p) => 0.5 * q.reduce((a, v, i) => a + Math.abs(v - p[i]!), 0),
  skewKl: (q, p, o) => kl64(p, mix(p, q, (o.alpha as number) ?? 0.1)),
  skewReverseKl: (q, p, o) => kl64(q, mix(q, p, (o.alpha as number) ?? 0.1)),
};
const perRow = (name: string) => (inputs: readonly unknown[], o: Options) => {
  const T = (o.temperature as number) ?? 1;
  const [s, t] = inputs as [Matrix, Matrix];
  return s.map((row, i) => divergences[name]!(softmax64(row, T), softmax64(t[i]!, T), o));
};

/** sparse KD from the formula: top-k teacher probabilities, the tail as a bucket or renormalised. */
function sparseKd64(inputs: readonly unknown[], o: Options): number[] {
  const [s, ids, lp] = inputs as [Matrix, number[][], Matrix];
  const T = (o.temperature as number) ?? 1;
  return s.map((row, i) => {
    const q = softmax64(row, T);
    const p = lp[i]!.map(Math.exp);
    const qTop = ids[i]!.map((j) => q[j]!);
    if (o.tail === 'renormalize') {
      const z = p.reduce((a, b) => a + b, 0);
      return p.reduce((a, v, j) => a + (v / z) * Math.log(v / z / qTop[j]!), 0);
    }
    const r = 1 - p.reduce((a, b) => a + b, 0);
    const sTail = q.reduce((a, v, j) => (ids[i]!.includes(j) ? a : a + v), 0);
    const top = p.reduce((a, v, j) => a + v * Math.log(v / qTop[j]!), 0);
    return top + (r > 0 ? r * Math.log(r / sTail) : 0);
  });
}

const student = randomNormal([4, 5], 51, 2) as Matrix;
const teacher = randomNormal([4, 5], 52, 2) as Matrix;
const cases = (name: string, options: Options[]) =>
  options.map((o) => ({
    name: JSON.stringify(o),
    inputs: [student, teacher],
    options: o,
    reference: perRow(name),
  }));

runLossConformance(reverseKlLoss, cases('reverseKl', [{}, { temperature: 2 }]), {
  backends: ['cpu', 'wasm'],
});
runLossConformance(jsdLoss, cases('jsd', [{}, { beta: 0.2, temperature: 2 }, { beta: 0 }, { beta: 1 }]), {
  backends: ['cpu', 'wasm'],
});
runLossConformance(tvdLoss, cases('tvd', [{}, { temperature: 3 }]), { backends: ['cpu', 'wasm'] });
runLossConformance(skewKlLoss, cases('skewKl', [{}, { alpha: 0.4, temperature: 2 }, { alpha: 0 }]), {
  backends: ['cpu', 'wasm'],
});
runLossConformance(skewReverseKlLoss, cases('skewReverseKl', [{}, { alpha: 0.5 }, { alpha: 0 }]), {
  backends: ['cpu', 'wasm'],
});

// Sparse teacher: top-3 of a 5-class softmax, stored as log-probabilities.
const topIds = teacher.map((row) =>
  row
    .map((v, j) => [v, j] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, 3)
    .map(([, j]) => j),
);
const topLogProbs = teacher.map((row, i) => topIds[i]!.map((j) => Math.log(softmax64(row)[j]!)));
runLossConformance(
  sparseKdLoss,
  [
    { name: 'bucket', inputs: [student, topIds, topLogProbs], reference: sparseKd64 },
    {
      name: 'bucket, T = 2',
      inputs: [student, topIds, topLogProbs],
      options: { temperature: 2 },
      reference: sparseKd64,
    },
    {
      name: 'renormalize',
      inputs: [student, topIds, topLogProbs],
      options: { tail: 'renormalize' },
      reference: sparseKd64,
    },
  ],
  // Valid random inputs need distinct top-k ids and log-probabilities summing (as probabilities) to at
  // most 1, which a spec cannot describe: the fuzz checks the invalid inputs only; the cases above and
  // the property tests below cover valid ones.
  { backends: ['cpu', 'wasm'], fuzz: { minAccepted: 0 } },
);

const fns: Record<string, (...a: any[]) => tf.Tensor> = {
  reverseKl: reverseKlLoss,
  jsd: jsdLoss,
  tvd: tvdLoss,
  skewKl: skewKlLoss,
  skewReverseKl: skewReverseKlLoss,
};

describe('divergences on [B, T, V] with a position mask agree with PyTorch (fixture)', () => {
  const s = fixture.student as Matrix[];
  const t = fixture.teacher as Matrix[];
  for (const c of fixture.cases) {
    it(`${c.loss} ${JSON.stringify(c.options)}`, () => {
      const st = tf.tensor3d(s);
      const call = (x: tf.Tensor, extra: Options) =>
        c.loss === 'sparseKd'
          ? sparseKdLoss(x, fixture.topIds, fixture.topLogProbs, { ...(c.options as Options), ...extra })
          : fns[c.loss]!(x, t, { ...c.options, ...extra });
      const none = call(st, { reduction: 'none' });
      expect(none.shape).toEqual([2, 4]);
      expectClose(none, c.none, { atol: 1e-5, rtol: 1e-5 });
      expectClose(call(st, { weights: fixture.mask }), c.mean, { atol: 1e-5, rtol: 1e-5 });
      const grad = tf.grad((x: tf.Tensor) => call(x, { weights: fixture.mask }))(st);
      expectClose(grad, c.grad as Matrix[], { atol: 1e-6, rtol: 1e-4 });
      tf.dispose([st, none, grad]);
    });
  }
});

describe('divergence properties', () => {
  const row = fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: 2, maxLength: 6 });
  const pair = row.chain((a) =>
    fc.tuple(
      fc.constant(a),
      fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: a.length, maxLength: a.length }),
    ),
  );

  it('are ≥ 0, 0 for identical logits, and within their bounds (JSD ≤ log 2, TVD ≤ 1, skew ≤ −log α)', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const v = (f: (...x: any[]) => tf.Tensor, o: Options = {}) => f([a], [b], o).dataSync()[0]!;
        expect(v(jsdLoss)).toBeLessThanOrEqual(Math.LN2 + 1e-5);
        expect(v(tvdLoss)).toBeLessThanOrEqual(1 + 1e-6);
        expect(v(skewKlLoss, { alpha: 0.2 })).toBeLessThanOrEqual(-Math.log(0.2) + 1e-4);
        expect(v(skewReverseKlLoss, { alpha: 0.2 })).toBeLessThanOrEqual(-Math.log(0.2) + 1e-4);
        for (const f of Object.values(fns)) {
          expect(v(f)).toBeGreaterThanOrEqual(-1e-6);
          expect(f([a], [a]).dataSync()[0]!).toBeCloseTo(0, 5);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('symmetric JSD (β = ½) and TVD do not depend on the order; β = 0 is kdLoss / T²', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expectClose(jsdLoss([a], [b]), jsdLoss([b], [a]), { atol: 1e-6 });
        expectClose(tvdLoss([a], [b]), tvdLoss([b], [a]), { atol: 1e-6 });
        expectClose(
          jsdLoss([a], [b], { beta: 0, temperature: 2 }),
          tf.div(kdLoss([a], [b], { temperature: 2 }), 4),
          {
            atol: 1e-5,
          },
        );
        expectClose(jsdLoss([a], [b], { beta: 1 }), reverseKlLoss([a], [b]), { atol: 1e-6 });
      }),
      { numRuns: 20 },
    );
  });

  it('sparse KD with k = C (full teacher) is the full KL, for both tails', () => {
    const ids = teacher.map(() => [0, 1, 2, 3, 4]);
    const lp = teacher.map((r) => softmax64(r).map(Math.log));
    const full = kdLoss(student, teacher, { temperature: 1 });
    expectClose(sparseKdLoss(student, ids, lp), full, { atol: 1e-5 });
    expectClose(sparseKdLoss(student, ids, lp, { tail: 'renormalize' }), full, { atol: 1e-5 });
    const g = tf.grad((x: tf.Tensor) => sparseKdLoss(x, ids, lp))(tf.tensor2d(student));
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('masks any single position of a sequence out of the mean (weights [B, T] of 0/1)', () => {
    const s = fixture.student as Matrix[];
    const t = fixture.teacher as Matrix[];
    for (const [name, f] of Object.entries(fns)) {
      const values = s.map((seq, b) => perRow(name)([seq, t[b]!], { temperature: 2 }));
      for (let b = 0; b < 2; b++) {
        for (let p = 0; p < 4; p++) {
          const mask = [0, 1].map((i) => [0, 1, 2, 3].map((j) => (i === b && j === p ? 0 : 1)));
          const kept = values.flatMap((row, i) => row.filter((_, j) => mask[i]![j] === 1));
          expectClose(f(s, t, { temperature: 2, weights: mask }), kept.reduce((a, v) => a + v, 0) / 7, {
            atol: 1e-5,
            message: `${name} masked [${b}, ${p}]`,
          });
        }
      }
    }
  });

  it('a fully masked batch gives 0 with a zero gradient; one class gives 0', () => {
    for (const f of Object.values(fns)) expectClose(f([[3], [-2]], [[-1], [5]]), 0);
    expectClose(sparseKdLoss([[3], [-2]], [[0], [0]], [[0], [0]]), 0);
    const s = tf.tensor2d(student);
    for (const f of Object.values(fns)) {
      const loss = (x: tf.Tensor) => f(x, teacher, { weights: [0, 0, 0, 0] });
      expectClose(loss(s), 0);
      expectClose(
        tf.grad(loss)(s),
        student.map((r) => r.map(() => 0)),
      );
    }
    s.dispose();
  });

  it('sparse KD rejects bad teacher tensors', () => {
    const dup = topIds.map((r) => [r[0]!, r[0]!, r[2]!]);
    expectXentError(() => sparseKdLoss(student, dup, topLogProbs), 'LABEL_OUT_OF_RANGE', {
      argument: 'teacherIndices',
    });
    const out = topIds.map((r) => [r[0]!, r[1]!, 5]);
    expectXentError(() => sparseKdLoss(student, out, topLogProbs), 'LABEL_OUT_OF_RANGE', {
      argument: 'teacherIndices',
    });
    const positive = topLogProbs.map((r) => [0.5, r[1]!, r[2]!]);
    expectXentError(() => sparseKdLoss(student, topIds, positive), 'LABEL_OUT_OF_RANGE', {
      argument: 'teacherLogProbs',
    });
    const tooMuch = topLogProbs.map(() => [-0.1, -0.2, -0.3]);
    expectXentError(() => sparseKdLoss(student, topIds, tooMuch), 'LABEL_OUT_OF_RANGE', {
      argument: 'teacherLogProbs',
    });
    const wide = teacher.map(() => [0, 1, 2, 3, 4, 0]);
    expectXentError(() => sparseKdLoss(student, wide, wide), 'SHAPE_MISMATCH', {
      argument: 'teacherIndices',
    });
    expectXentError(
      () => sparseKdLoss(student, topIds, topLogProbs, { tail: 'drop' as never }),
      'INVALID_OPTION',
      {
        argument: 'options.tail',
      },
    );
    expectXentError(() => jsdLoss(student, teacher, { beta: 1.5 }), 'INVALID_OPTION', {
      argument: 'options.beta',
    });
    expectXentError(() => skewKlLoss(student, teacher, { alpha: 1 }), 'INVALID_OPTION', {
      argument: 'options.alpha',
    });
  });

  it('leak nothing through the backward pass; are registered', async () => {
    const s = tf.tensor2d(student);
    expectNoLeak(() => tf.grad((x: tf.Tensor) => sparseKdLoss(x, topIds, topLogProbs))(s));
    expectNoLeak(() => tf.grad((x: tf.Tensor) => jsdLoss(x, teacher, { beta: 0.3 }))(s));
    s.dispose();
    await import('../src/register.js');
    for (const id of ['reverse-kl', 'jsd', 'tvd', 'skew-kl', 'skew-reverse-kl', 'sparse-kd']) {
      expect(registry.get(`xent/${id}`).spec.id).toBe(`xent/${id}`);
    }
  });
});
