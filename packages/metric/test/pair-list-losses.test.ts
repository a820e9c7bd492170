import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  angularLoss,
  cosineSimilarity,
  fastApLoss,
  generalizedLiftedStructureLoss,
  intraPairVarianceLoss,
  liftedStructureLoss,
  lpDistance,
  ncaLoss,
} from '../src/index.js';
import pml from './fixtures/pml-pair-losses.json';
import { dot, euclid, lse, mean, normalize, relu } from './reference.js';
import { tripletIndices } from './triplet-indices.js';

// Float64 references from the papers' formulas (PML's conventions), as loops over enumerated pairs.
type M = number[][];
const ordered = (y: number[], same: boolean) =>
  y.flatMap((a, i) => y.flatMap((b, j) => (i !== j && (a === b) === same ? [[i, j] as const] : [])));

interface LiftedOptions {
  negMargin?: number;
  posMargin?: number;
  cosine?: boolean;
}
/** d (or s) matrix and the direction-agnostic margin of PML. */
function measure(e: M, cosine = false) {
  const n = normalize(e);
  const m = n.map((a) => n.map((b) => (cosine ? dot(a, b) : euclid(a, b))));
  const margin = (x: number, y: number) => (cosine ? y - x : x - y);
  return { m, margin };
}
function liftedRef(e: M, y: number[], o: LiftedOptions = {}): number {
  const { m, margin } = measure(e, o.cosine);
  const [negM, posM] = [o.negMargin ?? 1, o.posMargin ?? 0];
  const neg = ordered(y, false);
  if (neg.length === 0) return 0;
  const losses = ordered(y, true).map(([i, j]) => {
    const terms = neg.filter(([a]) => a === i || a === j).map(([a, n]) => margin(negM, m[a]![n]!));
    const soft = terms.length ? lse(terms) : 0;
    return relu(soft + margin(m[i]![j]!, posM)) ** 2 / 2;
  });
  return mean(losses);
}
function genLiftedRef(e: M, y: number[], o: LiftedOptions = {}): number {
  const { m, margin } = measure(e, o.cosine);
  const [negM, posM] = [o.negMargin ?? 1, o.posMargin ?? 0];
  return mean(
    y.map((_, i) => {
      const p = ordered(y, true).filter(([a]) => a === i);
      const n = ordered(y, false).filter(([a]) => a === i);
      const pos = p.length ? lse(p.map(([, j]) => margin(m[i]![j]!, posM))) : 0;
      const neg = n.length ? lse(n.map(([, k]) => margin(negM, m[i]![k]!))) : 0;
      return relu(pos + neg);
    }),
  );
}
function ncaRef(e: M, y: number[], scale = 1): number {
  const n = normalize(e);
  const losses = y.flatMap((label, i) => {
    const logits = n.map((b, j) => (j === i ? Number.NEGATIVE_INFINITY : -scale * euclid(n[i]!, b) ** 2));
    const own = logits.filter((_, j) => j !== i && y[j] === label);
    if (own.length === 0) return [];
    return [lse(logits.filter((_, j) => j !== i)) - lse(own)];
  });
  return mean(losses);
}
function angularRef(e: M, y: number[], alpha = 40): number {
  const x = normalize(e);
  const t = Math.tan((alpha * Math.PI) / 180) ** 2;
  const losses = ordered(y, true).map(([a, p]) => {
    const f = x
      .filter((_, n) => y[n] !== y[a])
      .map(
        (xn) =>
          4 *
            t *
            dot(
              x[a]!.map((v, k) => v + x[p]![k]!),
              xn,
            ) -
          2 * (1 + t) * dot(x[a]!, x[p]!),
      );
    return Math.log(1 + f.reduce((s, v) => s + Math.exp(v), 0));
  });
  return mean(losses);
}
function ipvRef(e: M, y: number[], o: { posEps?: number; negEps?: number; l2?: boolean } = {}): number {
  const { m } = measure(e, !o.l2);
  const [pe, ne] = [o.posEps ?? 0.01, o.negEps ?? 0.01];
  const pos = ordered(y, true).map(([i, j]) => m[i]![j]!);
  const neg = ordered(y, false).map(([i, j]) => m[i]![j]!);
  const [mp, mn] = [mean(pos), mean(neg)];
  const lagPos = (s: number) => (o.l2 ? s - (1 + pe) * mp : (1 - pe) * mp - s);
  const lagNeg = (s: number) => (o.l2 ? (1 - ne) * mn - s : s - (1 + ne) * mn);
  return mean(pos.map((s) => relu(lagPos(s)) ** 2)) + mean(neg.map((s) => relu(lagNeg(s)) ** 2));
}
function fastApRef(e: M, y: number[], bins = 10): number {
  const n = normalize(e);
  const delta = 4 / bins;
  const losses = y.flatMap((label, i) => {
    const pos = y.flatMap((l, j) => (j !== i && l === label ? [j] : []));
    if (pos.length === 0) return [];
    const hist = (js: number[]) =>
      Array.from({ length: bins + 1 }, (_, l) =>
        js.reduce((s, j) => s + relu(1 - Math.abs(euclid(n[i]!, n[j]!) ** 2 - l * delta) / delta), 0),
      );
    const hp = hist(pos);
    const hn = hist(y.flatMap((l, j) => (l !== label ? [j] : [])));
    let cumPos = 0;
    let cumAll = 0;
    let ap = 0;
    hp.forEach((h, l) => {
      cumPos += h;
      cumAll += h + hn[l]!;
      if (h * cumPos > 0) ap += (h * cumPos) / cumAll;
    });
    return [1 - ap / pos.length];
  });
  return mean(losses);
}

const x = randomNormal([7, 3], 61) as M;
const labels = [0, 0, 0, 1, 1, 2, 2];
const m = (v: unknown) => v as M;
const ids = (v: unknown) => v as number[];

runLossConformance(liftedStructureLoss, [
  { name: 'defaults (L2)', inputs: [x, labels], reference: ([e, y]) => liftedRef(m(e), ids(y)) },
  {
    name: 'cosine, m⁻ 0.3, m⁺ 0.8',
    inputs: [x, labels],
    options: { distance: cosineSimilarity(), negMargin: 0.3, posMargin: 0.8 },
    reference: ([e, y]) => liftedRef(m(e), ids(y), { cosine: true, negMargin: 0.3, posMargin: 0.8 }),
  },
]);
runLossConformance(generalizedLiftedStructureLoss, [
  { name: 'defaults (L2)', inputs: [x, labels], reference: ([e, y]) => genLiftedRef(m(e), ids(y)) },
  {
    name: 'cosine, m⁻ 0.3, m⁺ 0.8',
    inputs: [x, labels],
    options: { distance: cosineSimilarity(), negMargin: 0.3, posMargin: 0.8 },
    reference: ([e, y]) => genLiftedRef(m(e), ids(y), { cosine: true, negMargin: 0.3, posMargin: 0.8 }),
  },
]);
runLossConformance(ncaLoss, [
  { name: 'σ 1', inputs: [x, labels], reference: ([e, y]) => ncaRef(m(e), ids(y)) },
  {
    name: 'σ 4, a singleton class (left out)',
    inputs: [x, [0, 0, 0, 1, 1, 2, 3]],
    options: { softmaxScale: 4 },
    reference: ([e, y]) => ncaRef(m(e), ids(y), 4),
  },
]);
runLossConformance(angularLoss, [
  { name: 'α 40°', inputs: [x, labels], reference: ([e, y]) => angularRef(m(e), ids(y)) },
  {
    name: 'α 55°',
    inputs: [x, labels],
    options: { alpha: 55 },
    reference: ([e, y]) => angularRef(m(e), ids(y), 55),
  },
]);
runLossConformance(intraPairVarianceLoss, [
  { name: 'cosine (default)', inputs: [x, labels], reference: ([e, y]) => ipvRef(m(e), ids(y)) },
  {
    name: 'L2, ε⁺ 0.1, ε⁻ 0.2',
    inputs: [x, labels],
    options: { distance: lpDistance(), posEps: 0.1, negEps: 0.2 },
    reference: ([e, y]) => ipvRef(m(e), ids(y), { l2: true, posEps: 0.1, negEps: 0.2 }),
  },
]);
runLossConformance(fastApLoss, [
  { name: '10 bins', inputs: [x, labels], reference: ([e, y]) => fastApRef(m(e), ids(y)) },
  {
    name: '4 bins',
    inputs: [x, labels],
    options: { numBins: 4 },
    reference: ([e, y]) => fastApRef(m(e), ids(y), 4),
  },
]);

describe('pair/list losses agree with pytorch-metric-learning 2.9 (fixture)', () => {
  const lossOf = {
    liftedStructure: liftedStructureLoss,
    generalizedLiftedStructure: generalizedLiftedStructureLoss,
    nca: ncaLoss,
    angular: angularLoss,
    intraPairVariance: intraPairVarianceLoss,
    fastAp: fastApLoss,
  } as const;
  const triplets = () => tripletIndices(pml.triplets);
  for (const [name, expected] of Object.entries(pml.cases)) {
    const base = Object.keys(lossOf).find((k) => name.startsWith(k)) as keyof typeof lossOf;
    const { cosine, l2, ...rest } = expected.options as Record<string, unknown>;
    const options = {
      ...rest,
      ...(cosine ? { distance: cosineSimilarity() } : {}),
      ...(l2 ? { distance: lpDistance() } : {}),
    };
    const data = expected.unitInput ? pml.unitEmbeddings : pml.embeddings;
    const loss = lossOf[base] as (...args: unknown[]) => tf.Tensor;
    it(`${name}: value and gradient`, () => {
      const f = (e: tf.Tensor) => loss(e, pml.labels, options);
      expectClose(f(tf.tensor(data)), expected.loss, { atol: 1e-5, rtol: 1e-4 });
      // PML leaves the negatives of the angular loss unnormalised, so its gradient lacks their
      // normalisation's Jacobian even on unit rows: the gradient is checked against the loop instead.
      if (base !== 'angular')
        expectClose(tf.grad(f)(tf.tensor(data)), expected.grad, { atol: 1e-5, rtol: 1e-4 });
    });
    if ('triplets' in expected) {
      const mined = (expected as { triplets: { loss: number; grad: M } }).triplets;
      it(`${name}: on PML's indices_tuple of triplets (pairs counted as PML counts them)`, () => {
        const indices = triplets();
        const f = (e: tf.Tensor) => loss(e, pml.labels, { ...options, indices });
        expectClose(f(tf.tensor(data)), mined.loss, { atol: 1e-5, rtol: 1e-4 });
        if (base !== 'angular')
          expectClose(tf.grad(f)(tf.tensor(data)), mined.grad, { atol: 1e-5, rtol: 1e-4 });
        tf.dispose(Object.values(indices).filter((v) => v instanceof tf.Tensor));
      });
    }
  }
});

describe('degenerate batches: 0 with a zero gradient, no NaN', () => {
  const all = [
    liftedStructureLoss,
    generalizedLiftedStructureLoss,
    ncaLoss,
    angularLoss,
    intraPairVarianceLoss,
    fastApLoss,
  ] as const;
  const cases = [
    ['singletons (no positive pair)', [0, 1, 2, 3, 4, 5, 6]],
    ['one class (no negative)', [0, 0, 0, 0, 0, 0, 0]],
    ['one example', [0]],
  ] as const;
  for (const [name, y] of cases) {
    it(name, () => {
      const e = tf.tensor(x.slice(0, y.length));
      for (const loss of all) {
        const f = (t: tf.Tensor) => (loss as (...args: unknown[]) => tf.Tensor)(t, [...y]);
        const value = f(e).dataSync()[0]!;
        const grad = Array.from(tf.grad(f)(e).dataSync());
        // The formula's own non-zero values: the generalized lifted loss and intra-pair variance keep
        // the side that has pairs (PML too).
        if (y.length > 1 && (loss === generalizedLiftedStructureLoss || loss === intraPairVarianceLoss)) {
          expect(Number.isFinite(value)).toBe(true);
          expect(grad.every(Number.isFinite)).toBe(true);
          continue;
        }
        // One class: FastAP's AP is 1, up to float32 rounding.
        expect(Math.abs(value)).toBeLessThan(1e-6);
        expect(grad.every((g) => Math.abs(g) < 1e-5)).toBe(true);
        if (loss === fastApLoss) continue;
        expect([loss.spec.name, value]).toEqual([loss.spec.name, 0]);
        expect(grad.every((g) => g === 0)).toBe(true);
      }
      e.dispose();
    });
  }
  it('no leaks', () => {
    const e = tf.tensor(x);
    for (const loss of [liftedStructureLoss, angularLoss, fastApLoss, ncaLoss]) {
      expectNoLeak(() =>
        tf
          .grad((t: tf.Tensor) => loss(t, labels))(e)
          .dispose(),
      );
    }
    e.dispose();
  });
});

describe('properties', () => {
  it('the normalised losses are invariant to the scale of the embeddings and to a batch permutation', () => {
    const order = [3, 0, 6, 1, 5, 2, 4];
    const permuted = order.map((i) => x[i]!);
    const permutedLabels = order.map((i) => labels[i]!);
    for (const loss of [
      liftedStructureLoss,
      generalizedLiftedStructureLoss,
      ncaLoss,
      angularLoss,
      intraPairVarianceLoss,
      fastApLoss,
    ]) {
      const f = loss as (...args: unknown[]) => tf.Tensor;
      const value = f(x, labels).dataSync()[0]!;
      expectClose(
        f(
          x.map((r) => r.map((v) => 5 * v)),
          labels,
        ),
        value,
        { atol: 1e-5, rtol: 1e-4 },
      );
      expectClose(f(permuted, permutedLabels), value, { atol: 1e-5, rtol: 1e-4 });
    }
  });
  it('FastAP is 0 for a perfect ranking', () => {
    const tight = [
      [1, 0, 0],
      [1, 0.01, 0],
      [0, 1, 0],
      [0.01, 1, 0],
    ];
    expect(fastApLoss(tight, [0, 0, 1, 1], { numBins: 100 }).dataSync()[0]!).toBeLessThan(1e-6);
  });
  it('bad options', () => {
    expectXentError(() => angularLoss(x, labels, { alpha: 80 }), 'INVALID_OPTION', {
      argument: 'options.alpha',
    });
    expectXentError(() => fastApLoss(x, labels, { numBins: 0 }), 'INVALID_OPTION', {
      argument: 'options.numBins',
    });
    expectXentError(() => ncaLoss(x, labels, { softmaxScale: -1 }), 'INVALID_OPTION', {
      argument: 'options.softmaxScale',
    });
  });
});
