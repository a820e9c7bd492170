import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ge2eLoss } from '../src/ge2e-loss.js';
import { marginMseLoss } from '../src/margin-mse-loss.js';
import { cosine, logSumExp, type Matrix, sigmoid } from './reference.js';

type Tensor3 = number[][][];

// GE2E (Wan et al.): centroids of each speaker, the own one leaving the utterance out.
function ge2e64(e: Tensor3, o: { w?: number; b?: number; variant?: string } = {}): number[] {
  const w = o.w ?? 10;
  const b = o.b ?? -5;
  const unit = e.map((spk) =>
    spk.map((x) => {
      const n = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
      return x.map((v) => v / n);
    }),
  );
  const centroid = (rows: number[][]) =>
    rows[0]!.map((_, k) => rows.reduce((s, r) => s + r[k]!, 0) / rows.length);
  const centroids = unit.map(centroid);
  return unit.map((spk, j) => {
    const losses = spk.map((x, i) => {
      const own = centroid(spk.filter((_, m) => m !== i));
      const S = centroids.map((c, k) => w * cosine(x, k === j ? own : c) + b);
      if (o.variant === 'contrast') {
        return 1 - sigmoid(S[j]!) + Math.max(...S.filter((_, k) => k !== j).map(sigmoid));
      }
      return -S[j]! + logSumExp(S);
    });
    return losses.reduce((s, v) => s + v, 0) / losses.length;
  });
}

function marginMse64(pos: number[], neg: Matrix, margins: Matrix): number[] {
  return pos.map(
    (p, i) => neg[i]!.reduce((s, n, k) => s + (p - n - margins[i]![k]!) ** 2, 0) / neg[i]!.length,
  );
}

const emb = randomNormal([3, 3, 4], 41) as Tensor3;

runLossConformance(
  ge2eLoss,
  [
    {
      name: 'softmax, w 2, b −1',
      inputs: [emb],
      options: { w: 2, b: -1 },
      reference: ([e]) => ge2e64(e as Tensor3, { w: 2, b: -1 }),
    },
    {
      name: 'contrast',
      inputs: [emb],
      options: { variant: 'contrast', w: 2, b: -1 },
      reference: ([e]) => ge2e64(e as Tensor3, { w: 2, b: -1, variant: 'contrast' }),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

const pos = [0.5, -0.2, 1.1];
const neg = [
  [0.1, 0.4],
  [0.3, -0.5],
  [0.9, 1.5],
];
const margins = [
  [0.2, 0.1],
  [-0.3, 0.4],
  [0.5, -0.1],
];
runLossConformance(
  marginMseLoss,
  [
    {
      name: 'two negatives',
      inputs: [pos, neg, margins],
      reference: ([p, n, m]) => marginMse64(p as number[], n as Matrix, m as Matrix),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describeBackends(['cpu', 'wasm'], () => {
  describe('ge2eLoss', () => {
    it('is invariant to the norm of each embedding, and the contrast variant stays in [0, 2] (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10_000 }),
          fc.double({ min: 0.1, max: 10, noNaN: true }),
          (seed, c) => {
            const e = randomNormal([3, 2, 3], seed) as Tensor3;
            const scaled = e.map((s) => s.map((x) => x.map((v) => v * c)));
            const a = tf.tidy(() => ge2eLoss(e, { reduction: 'none' }).arraySync() as number[]);
            const b = tf.tidy(() => ge2eLoss(scaled, { reduction: 'none' }).arraySync() as number[]);
            expectClose(a, b, { atol: 1e-4, rtol: 1e-4 });
            const contrast = tf.tidy(
              () => ge2eLoss(e, { variant: 'contrast', reduction: 'none' }).arraySync() as number[],
            );
            expect(contrast.every((v) => v >= 0 && v <= 2)).toBe(true);
          },
        ),
        { numRuns: 20 },
      );
    });
    it('takes learnable w and b as scalar tensors', () => {
      const w = tf.variable(tf.scalar(3));
      const b = tf.variable(tf.scalar(-2));
      expectClose(ge2eLoss(emb, { w, b, reduction: 'none' }), ge2e64(emb, { w: 3, b: -2 }));
      const { value, grads } = tf.variableGrads(() => ge2eLoss(emb, { w, b }) as tf.Scalar, [w, b]);
      const meanAt = (wv: number, bv: number) => ge2e64(emb, { w: wv, b: bv }).reduce((s, v) => s + v, 0) / 3;
      expectClose(grads[w.name]!, (meanAt(3 + 1e-5, -2) - meanAt(3 - 1e-5, -2)) / 2e-5, { rtol: 1e-3 });
      tf.dispose([value, ...Object.values(grads), w, b]);
    });
    it('rejects too few speakers or utterances and a non-positive w', () => {
      expectXentError(
        () =>
          ge2eLoss([
            [
              [1, 2],
              [2, 1],
            ],
          ]),
        'SHAPE_MISMATCH',
        { argument: 'embeddings' },
      );
      expectXentError(() => ge2eLoss([[[1, 2]], [[2, 1]]]), 'SHAPE_MISMATCH', { argument: 'embeddings' });
      expectXentError(() => ge2eLoss(emb, { w: 0 }), 'INVALID_OPTION', { argument: 'options.w' });
      expectNoLeak(() => ge2eLoss(emb, { variant: 'contrast' }));
    });
  });
  describe('marginMseLoss', () => {
    it('is zero exactly when the student margins equal the teacher margins (property)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 }),
          (n) => {
            const m = [[0.5 - n[0]!, 0.5 - n[1]!]];
            const v = tf.tidy(() => marginMseLoss([0.5], [n], m).dataSync()[0]!);
            expect(v).toBeLessThan(1e-9);
          },
        ),
        { numRuns: 20 },
      );
    });
    it('is finite and matches float64 for any finite float32 scores, saturating beyond float32 (issue 13)', () => {
      const MAX = 3.4028234663852886e38;
      const anyFloat32 = fc
        .float({ noNaN: true, min: -MAX, max: MAX })
        .map((v) => (Object.is(v, -0) ? 0 : v));
      const batch = fc
        .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }))
        .chain(([n, k]) =>
          fc.tuple(
            fc.array(anyFloat32, { minLength: n, maxLength: n }),
            fc.array(fc.array(anyFloat32, { minLength: k, maxLength: k }), { minLength: n, maxLength: n }),
            fc.array(fc.array(anyFloat32, { minLength: k, maxLength: k }), { minLength: n, maxLength: n }),
          ),
        );
      fc.assert(
        fc.property(batch, ([pos, neg, margins]) => {
          const expected = marginMse64(pos, neg, margins).map((v) => Math.min(v, MAX));
          // d = s⁺ − s⁻ − m is rounded to float32 once per subtraction: relative error ≈ 1e-7·max|input|.
          const scale = Math.max(...[pos, neg.flat(), margins.flat()].flat().map(Math.abs));
          expectNoLeak(() =>
            tf.tidy(() => {
              const [p, n, m] = [tf.tensor1d(pos), tf.tensor2d(neg), tf.tensor2d(margins)];
              const value = marginMseLoss(p, n, m, { reduction: 'none' }).dataSync();
              expected.forEach((e, i) => {
                const tolerance = 1e-4 * e + 4e-7 * scale * Math.sqrt(e) + 1e-30;
                expect(Number.isFinite(value[i]!), `row ${i}: ${value[i]}`).toBe(true);
                expect(Math.abs(value[i]! - e) <= tolerance, `row ${i}: ${value[i]} vs ${e}`).toBe(true);
              });
              const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => marginMseLoss(a, b, c))([
                p,
                n,
                m,
              ]);
              for (const g of grads) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
            }),
          );
        }),
        { numRuns: 100, seed: 13 },
      );
      // Margin errors (2e19, 2e19, 0): each square (4e38) overflows float32, their mean (2.67e38) does not.
      const value = marginMseLoss([2e19], [[0, 0, 2e19]], [[0, 0, 0]]).dataSync()[0]!;
      expect(value / (8e38 / 3)).toBeCloseTo(1, 5);
    });
  });
});
