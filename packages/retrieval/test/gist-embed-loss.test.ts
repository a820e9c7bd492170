import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { describeBackends, runLossConformance } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import { gistEmbedLoss } from '../src/gist-embed-loss.js';
import { cosine, logSumExp, type Matrix } from './reference.js';

interface GistOptions {
  temperature?: number;
  marginStrategy?: 'absolute' | 'relative';
  margin?: number;
  contrastAnchors?: boolean;
  contrastPositives?: boolean;
  hardNegatives?: Matrix;
  guideHardNegatives?: Matrix;
}

// GISTEmbed with loops: drop candidate c from row i when the guide's g(i, c) > t_i, keep the positive.
function gist64(q: Matrix, d: Matrix, gq: Matrix, gd: Matrix, o: GistOptions = {}): number[] {
  const tau = o.temperature ?? 0.01;
  const margin = o.margin ?? 0;
  return q.map((qi, i) => {
    const gPos = cosine(gq[i]!, gd[i]!);
    const t = o.marginStrategy === 'relative' ? gPos - Math.abs(gPos) * margin : gPos - margin;
    const logits: number[] = [];
    const consider = (sim: number, guideSim: number, keepAnyway: boolean) => {
      if (keepAnyway || guideSim <= t) logits.push(sim / tau);
    };
    for (let j = 0; j < d.length; j++) consider(cosine(qi, d[j]!), cosine(gq[i]!, gd[j]!), j === i);
    for (let j = 0; j < q.length; j++) {
      if ((o.contrastAnchors ?? true) && j !== i) consider(cosine(qi, q[j]!), cosine(gq[i]!, gq[j]!), false);
    }
    for (let j = 0; j < d.length; j++) {
      if ((o.contrastPositives ?? true) && j !== i)
        consider(cosine(d[i]!, d[j]!), cosine(gd[i]!, gd[j]!), false);
    }
    const negatives = o.hardNegatives ?? [];
    for (let j = 0; j < negatives.length; j++) {
      consider(cosine(qi, negatives[j]!), cosine(gq[i]!, o.guideHardNegatives![j]!), false);
    }
    return logSumExp(logits) - cosine(qi, d[i]!) / tau;
  });
}

const q = randomNormal([4, 3], 31) as Matrix;
const d = randomNormal([4, 3], 32) as Matrix;
const gq = randomNormal([4, 5], 33) as Matrix;
const gd = (randomNormal([4, 5], 34) as Matrix).map((row, i) => row.map((v, k) => v + gq[i]![k]!));
const neg = randomNormal([2, 3], 35) as Matrix;
const gNeg = randomNormal([2, 5], 36) as Matrix;

runLossConformance(
  gistEmbedLoss,
  [
    {
      name: 'absolute margin 0.1, τ = 0.2',
      inputs: [q, d, gq, gd],
      options: { temperature: 0.2, margin: 0.1 },
      reference: ([a, b, c, e], o) => gist64(a as Matrix, b as Matrix, c as Matrix, e as Matrix, o),
    },
    {
      name: 'relative margin, no anchors, hard negatives',
      inputs: [q, d, gq, gd],
      options: {
        temperature: 0.5,
        marginStrategy: 'relative',
        margin: 0.3,
        contrastAnchors: false,
        hardNegatives: neg,
        guideHardNegatives: gNeg,
      },
      reference: ([a, b, c, e], o) => gist64(a as Matrix, b as Matrix, c as Matrix, e as Matrix, o),
    },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

interface StGist {
  queries: Matrix;
  docs: Matrix;
  hardNegatives: Matrix;
  guideQueries: Matrix;
  guideDocs: Matrix;
  guideHardNegatives: Matrix;
  cases: { config: GistOptions & { hard?: boolean }; value: number }[];
}
// Values computed by sentence-transformers 6's GISTEmbedLoss (test/peers/st_gist.py, float64).
const st = JSON.parse(readFileSync(new URL('./fixtures/st-gist.json', import.meta.url), 'utf8')) as StGist;

describeBackends(['cpu', 'wasm'], () => {
  describe('gistEmbedLoss', () => {
    it('matches sentence-transformers 6 GISTEmbedLoss (fixtures)', () => {
      for (const { config, value } of st.cases) {
        const { hard, ...options } = config;
        const call = hard
          ? { ...options, hardNegatives: st.hardNegatives, guideHardNegatives: st.guideHardNegatives }
          : options;
        const args = [st.queries, st.docs, st.guideQueries, st.guideDocs] as const;
        expectClose(gistEmbedLoss(...args, call), value, { rtol: 1e-4, message: JSON.stringify(config) });
        const reference = gist64(...args, call);
        expect(Math.abs(reference.reduce((a, b) => a + b, 0) / reference.length - value)).toBeLessThan(1e-9);
      }
    });
    it('drops the guide-flagged false negative, and equals InfoNCE with a guide that flags nothing', () => {
      // One-hot guide: every pair is dissimilar (0) except each positive (1)…
      const eye = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)));
      const o = { temperature: 0.3, contrastAnchors: false, contrastPositives: false };
      const plain = tf.tidy(() => gistEmbedLoss(q, d, eye, eye, o).dataSync()[0]!);
      const infoNce = q.map(
        (qi, i) => logSumExp(d.map((dj) => cosine(qi, dj) / 0.3)) - cosine(qi, d[i]!) / 0.3,
      );
      expect(Math.abs(plain - infoNce.reduce((a, b) => a + b) / 4)).toBeLessThan(1e-4);
      // …until the guide sees doc 3 as doc 1: then doc 3 leaves query 1's softmax.
      const guideDocs = eye.map((r) => [...r]);
      guideDocs[3] = [...eye[1]!];
      const got = tf.tidy(
        () =>
          gistEmbedLoss(q, d, eye, guideDocs, {
            ...o,
            margin: 0.01,
            reduction: 'none',
          }).arraySync() as number[],
      );
      const withoutDoc3 =
        logSumExp([0, 1, 2].map((j) => cosine(q[1]!, d[j]!) / 0.3)) - cosine(q[1]!, d[1]!) / 0.3;
      expectClose(got[1]!, withoutDoc3);
      expectClose(got[0]!, infoNce[0]!);
    });
    it('gives 0 for one pair, and a zero gradient to the guide', () => {
      expect(tf.tidy(() => gistEmbedLoss([q[0]!], [d[0]!], [gq[0]!], [gd[0]!]).dataSync()[0]!)).toBe(0);
      const guide = tf.tensor2d(gq);
      const grad = tf.grad((g: tf.Tensor) => gistEmbedLoss(q, d, g, gd))(guide);
      expect(Array.from(grad.dataSync()).every((v) => v === 0)).toBe(true);
      tf.dispose([guide, grad]);
    });
    it('rejects bad inputs with their codes and does not leak', () => {
      expectXentError(() => gistEmbedLoss(q, d, gq, gd.slice(1)), 'SHAPE_MISMATCH', {
        argument: 'guideDocs',
      });
      expectXentError(() => gistEmbedLoss(q, d, gq, gd, { temperature: 0 }), 'INVALID_OPTION', {
        argument: 'options.temperature',
      });
      expectXentError(
        () => gistEmbedLoss(q, d, gq, gd, { marginStrategy: 'percent' as never }),
        'INVALID_OPTION',
        {
          argument: 'options.marginStrategy',
        },
      );
      expectXentError(() => gistEmbedLoss(q, d, gq, gd, { hardNegatives: neg }), 'INVALID_OPTION', {
        argument: 'options.guideHardNegatives',
      });
      expectXentError(
        () => gistEmbedLoss(q, d, gq, gd, { hardNegatives: neg, guideHardNegatives: gNeg.slice(1) }),
        'INVALID_OPTION',
        { argument: 'options.guideHardNegatives' },
      );
      expectXentError(
        () =>
          gistEmbedLoss(q, d, gq, gd, {
            hardNegatives: [[1, 2, Number.NaN]],
            guideHardNegatives: [gNeg[0]!],
          }),
        'NON_FINITE_INPUT',
      );
      expectNoLeak(() => gistEmbedLoss(q, d, gq, gd, { hardNegatives: neg, guideHardNegatives: gNeg }));
    });
  });
});
