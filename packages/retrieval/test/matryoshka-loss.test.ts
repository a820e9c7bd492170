import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import { angleLoss } from '../src/angle-loss.js';
import { cachedContrastive } from '../src/cached-contrastive.js';
import { cosentLoss } from '../src/cosent-loss.js';
import { debiasedContrastiveLoss } from '../src/debiased-contrastive-loss.js';
import { decoupledContrastiveLoss } from '../src/decoupled-contrastive-loss.js';
import { ge2eLoss } from '../src/ge2e-loss.js';
import { gistEmbedLoss } from '../src/gist-embed-loss.js';
import { infoNceLoss } from '../src/info-nce-loss.js';
import { matryoshkaLoss } from '../src/matryoshka-loss.js';
import { sigmoidLoss } from '../src/sigmoid-loss.js';
import { encoder } from './encoder.js';
import type { Matrix } from './reference.js';

const cut = (m: Matrix, d: number) => m.map((r) => r.slice(0, d));
const q = randomNormal([5, 6], 61) as Matrix;
const d = randomNormal([5, 6], 62) as Matrix;
const hard = randomNormal([3, 6], 63) as Matrix;
const gq = randomNormal([5, 6], 64) as Matrix;
const gd = randomNormal([5, 6], 65) as Matrix;
const dims = [6, 4, 2];
const weights = [1, 0.5, 0.25];
const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describeBackends(['cpu', 'wasm'], () => {
  describe('matryoshkaLoss', () => {
    it('is Σ_d w_d · loss(first d dims) for every in-batch loss of the package', () => {
      const pairLosses = {
        infoNceLoss: (a: Matrix, b: Matrix) => infoNceLoss(a, b, { scale: 5 }),
        debiasedContrastiveLoss: (a: Matrix, b: Matrix) => debiasedContrastiveLoss(a, b),
        decoupledContrastiveLoss: (a: Matrix, b: Matrix) => decoupledContrastiveLoss(a, b),
        sigmoidLoss: (a: Matrix, b: Matrix) => sigmoidLoss(a, b),
      };
      for (const [name, loss] of Object.entries(pairLosses)) {
        const wrapped = matryoshkaLoss(loss as (a: unknown, b: unknown) => tf.Tensor, { dims, weights });
        const expected = dims.reduce(
          (s, dim, k) => s + weights[k]! * value(loss(cut(q, dim), cut(d, dim))),
          0,
        );
        expect(Math.abs(value(wrapped(q, d)) - expected), name).toBeLessThan(1e-5 * Math.max(1, expected));
      }
    });
    it('wraps xent losses by their spec: embeddings and hardNegatives truncated, scores and guides whole', () => {
      const info = matryoshkaLoss(infoNceLoss, { dims, weights });
      const expectedInfo = dims.reduce(
        (s, dim, k) =>
          s +
          weights[k]! *
            value(infoNceLoss(cut(q, dim), cut(d, dim), { scale: 5, hardNegatives: cut(hard, dim) })),
        0,
      );
      expectClose(info(q, d, { scale: 5, hardNegatives: hard }), expectedInfo, { rtol: 1e-5 });
      const scores = [0.9, 0.1, 0.5, 0.3, 0.7];
      for (const loss of [cosentLoss, angleLoss]) {
        const expected = dims.reduce(
          (s, dim, k) => s + weights[k]! * value(loss(cut(q, dim), cut(d, dim), scores)),
          0,
        );
        expectClose(matryoshkaLoss(loss, { dims, weights })(q, d, scores), expected, { rtol: 1e-5 });
      }
      // GISTEmbed: the guide is another model; its embeddings are not truncated.
      const gist = dims.reduce(
        (s, dim, k) =>
          s + weights[k]! * value(gistEmbedLoss(cut(q, dim), cut(d, dim), gq, gd, { temperature: 0.1 })),
        0,
      );
      expectClose(
        matryoshkaLoss(gistEmbedLoss, { dims, weights })(q, d, gq, gd, { temperature: 0.1 }),
        gist,
        {
          rtol: 1e-5,
        },
      );
      const speakers = randomNormal([3, 2, 6], 66) as number[][][];
      const ge2e = dims.reduce(
        (s, dim, k) => s + weights[k]! * value(ge2eLoss(speakers.map((sp) => cut(sp, dim)))),
        0,
      );
      expectClose(matryoshkaLoss(ge2eLoss, { dims, weights })(speakers), ge2e, { rtol: 1e-5 });
    });
    it('gives a zero gradient beyond max(dims) and is the loss itself for dims [D]', () => {
      const x = tf.tensor2d(q);
      const g = tf.grad((t: tf.Tensor) => matryoshkaLoss(infoNceLoss, { dims: [4, 2] })(t, d))(x);
      const grads = g.arraySync() as number[][];
      expect(grads.every((r) => r[4] === 0 && r[5] === 0)).toBe(true);
      expect(grads.some((r) => r[0] !== 0)).toBe(true);
      expectClose(matryoshkaLoss(infoNceLoss, { dims: [6] })(q, d), infoNceLoss(q, d));
      tf.dispose([x, g]);
    });
    for (const [name, loss] of [
      ['infoNceLoss', (a: tf.Tensor, b: tf.Tensor) => infoNceLoss(a, b, { scale: 5, symmetric: true })],
      ['sigmoidLoss', (a: tf.Tensor, b: tf.Tensor) => sigmoidLoss(a, b)],
      ['decoupledContrastiveLoss', (a: tf.Tensor, b: tf.Tensor) => decoupledContrastiveLoss(a, b)],
    ] as const) {
      it(`composes with cachedContrastive (${name}): value and gradients of plain autodiff`, () => {
        const tower = encoder(3, 4, 6);
        const xs = tf.tensor(randomNormal([7, 4], 67) as number[][]);
        const ys = tf.tensor(randomNormal([7, 4], 68) as number[][]);
        const wrapped = matryoshkaLoss(loss, { dims: [6, 3, 1], weights: [1, 1, 2] });
        const plain = tf.variableGrads(
          () => wrapped(tower.embed(xs), tower.embed(ys)) as tf.Scalar,
          tower.variables,
        );
        const cached = expectNoLeak(() =>
          cachedContrastive({
            queryInputs: xs,
            docInputs: ys,
            embedQueries: tower.embed,
            loss: wrapped,
            miniBatchSize: 3,
            variables: tower.variables,
          }),
        );
        expectClose(cached.value, plain.value, { rtol: 1e-5 });
        for (const v of tower.variables)
          expectClose(cached.grads[v.name]!, plain.grads[v.name]!, { atol: 1e-6, rtol: 1e-4 });
        tf.dispose([
          xs,
          ys,
          plain.value,
          cached.value,
          ...Object.values(plain.grads),
          ...Object.values(cached.grads),
        ]);
        tower.dispose();
      });
    }
    it('nDimsPerStep: each call sums a seeded random subset of the dims, all of them over time', () => {
      const terms = dims.map((dim, k) => weights[k]! * value(infoNceLoss(cut(q, dim), cut(d, dim))));
      const draw = (seed: number) => {
        const wrapped = matryoshkaLoss(infoNceLoss, { dims, weights, nDimsPerStep: 1, seed });
        return Array.from({ length: 12 }, () => value(wrapped(q, d)));
      };
      const first = draw(7);
      expect(draw(7)).toEqual(first);
      const chosen = first.map((v) => terms.findIndex((t) => Math.abs(t - v) < 1e-5 * Math.max(1, t)));
      expect(chosen.every((k) => k >= 0)).toBe(true);
      expect(new Set(chosen).size).toBe(3);
      const pairs = matryoshkaLoss(infoNceLoss, { dims, weights, nDimsPerStep: 2, seed: 3 });
      const sums = [terms[0]! + terms[1]!, terms[0]! + terms[2]!, terms[1]! + terms[2]!];
      for (let i = 0; i < 5; i++) {
        const v = value(pairs(q, d));
        expect(sums.some((s) => Math.abs(s - v) < 1e-5 * Math.max(1, s))).toBe(true);
      }
      expectXentError(() => matryoshkaLoss(infoNceLoss, { dims, nDimsPerStep: 0 }), 'INVALID_OPTION', {
        argument: 'options.nDimsPerStep',
      });
    });
    it('rejects bad dims and weights with INVALID_OPTION, too-narrow embeddings with SHAPE_MISMATCH; no leak', () => {
      expectXentError(() => matryoshkaLoss(infoNceLoss, { dims: [] }), 'INVALID_OPTION', {
        argument: 'options.dims',
      });
      expectXentError(() => matryoshkaLoss(infoNceLoss, { dims: [4, 0] }), 'INVALID_OPTION', {
        argument: 'options.dims',
      });
      expectXentError(() => matryoshkaLoss(infoNceLoss, { dims: [4, 2.5] }), 'INVALID_OPTION', {
        argument: 'options.dims',
      });
      expectXentError(() => matryoshkaLoss(infoNceLoss, { dims: [4, 2], weights: [1] }), 'INVALID_OPTION', {
        argument: 'options.weights',
      });
      expectXentError(() => matryoshkaLoss(infoNceLoss, { dims: [8, 2] })(q, d), 'SHAPE_MISMATCH', {
        argument: 'queries',
      });
      expectXentError(
        () => matryoshkaLoss(infoNceLoss, { dims: [4] })(q, d, { scale: -1 }),
        'INVALID_OPTION',
        {
          argument: 'options.scale',
        },
      );
      expectNoLeak(() => matryoshkaLoss(infoNceLoss, { dims, weights })(q, d, { hardNegatives: hard }));
    });
  });
});
