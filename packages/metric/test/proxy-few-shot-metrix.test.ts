import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, gradCheck, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  classPrototypes,
  createMarginLoss,
  createProxyAnchorLoss,
  dotProduct,
  icnnLoss,
  marginLoss,
  metrixContrastiveLoss,
  metrixMixup,
  metrixMultiSimilarityLoss,
  protoTripletLoss,
  proxyAnchorLoss,
} from '../src/index.js';
import { dot, euclid, marginRef, metrixMsRef, normalize, relu } from './reference.js';

const x = randomNormal([6, 3], 21) as number[][];
const labels = [0, 0, 1, 1, 2, 2];
const proxies = randomNormal([4, 3], 22) as number[][];

function proxyAnchorRef(e: number[][], y: number[], p: number[][], margin = 0.1, alpha = 32): number {
  const en = normalize(e);
  const pn = normalize(p);
  let pos = 0;
  let withPos = 0;
  let neg = 0;
  pn.forEach((proxy, c) => {
    const sims = en.map((row) => dot(row, proxy));
    const own = sims.filter((_, i) => y[i] === c);
    const other = sims.filter((_, i) => y[i] !== c);
    if (own.length) {
      withPos++;
      pos += Math.log(1 + own.reduce((s, v) => s + Math.exp(-alpha * (v - margin)), 0));
    }
    neg += Math.log(1 + other.reduce((s, v) => s + Math.exp(alpha * (v + margin)), 0));
  });
  return (withPos ? pos / withPos : 0) + neg / p.length;
}

const smooth = (a: number[], b: number[]) => Math.sqrt(euclid(a, b) ** 2 + 1e-6);
function protoTripletRef(q: number[][], y: number[], c: number[][], margin = 0.5): number[] {
  return q.map((row, i) => {
    const d = c.map((proto) => smooth(row, proto));
    const other = Math.min(...d.filter((_, k) => k !== y[i]));
    return relu(d[y[i]!]! - other + margin);
  });
}

/** The ICNN score from the description of the author's code, as plain loops. */
function icnnRef(e: number[][], y: number[], kIn = 4): number {
  const n = e.length;
  const shrunk = kIn + 2 >= n;
  const k = shrunk ? n - 2 : kIn;
  const ipc = k + 1;
  const rows = e.map((a, i) => {
    const order = e
      .map((b, j) => ({ j, d: smooth(a, b) }))
      .sort((u, v) => u.d - v.d)
      .slice(1, ipc + 1);
    const same: number[] = order.map(({ j }) => (y[j] === y[i] ? 1 : 0));
    const diffD = order.filter((_, t) => same[t] === 0).map(({ d }) => d);
    const delta = diffD.length ? Math.min(...diffD) : Number.POSITIVE_INFINITY;
    let nd = order.slice(0, k).map(({ d }) => d / (delta + 1e-7));
    const m = Math.max(1, ...nd);
    nd = nd.map((v) => v / m);
    return {
      d: order.slice(0, k).map(({ d }) => d),
      same: same.slice(0, k),
      nd,
      anyDiff: same.some((s) => s === 0),
    };
  });
  const sameCounts = rows.map((r) => r.same.reduce((a, b) => a + b, 0));
  const diffCounts = rows.map((r) => k - r.same.reduce((a, b) => a + b, 0));
  const lambdaSame =
    1 -
    rows.reduce(
      (s, r, i) => s + r.nd.reduce((t, v, j) => t + v * r.same[j]!, 0) / (sameCounts[i]! + 1e-7),
      0,
    ) /
      (sameCounts.filter((c) => c > 0).length + 1e-7);
  const maxDiff = Math.max(...rows.flatMap((r) => r.d.map((v, j) => v * (1 - r.same[j]!))));
  const o = rows.some((r) => r.anyDiff) ? 0 : -1;
  const lambdaDiff = Math.abs(
    rows.reduce(
      (s, r, i) =>
        s +
        r.d.reduce((t, v, j) => t + (v * (1 - r.same[j]!)) / (maxDiff + 1e-7), 0) / (diffCounts[i]! + 1e-7),
      0,
    ) /
      (diffCounts.filter((c) => c > 0).length + 1e-7) +
      o,
  );
  const gamma = shrunk ? 1 : sameCounts.reduce((a, b) => a + b, 0) / n / k;
  return -Math.log(((lambdaSame + lambdaDiff) / 2 + gamma) / 2);
}

runLossConformance(proxyAnchorLoss, [
  {
    name: 'α 4, δ 0.1',
    inputs: [x, labels, proxies],
    options: { alpha: 4 },
    reference: ([e, y, p]) => proxyAnchorRef(e as number[][], y as number[], p as number[][], 0.1, 4),
  },
  {
    name: 'defaults (α 32)',
    inputs: [x, labels, proxies],
    reference: ([e, y, p]) => proxyAnchorRef(e as number[][], y as number[], p as number[][]),
    gradTolerance: { atol: 1e-3, rtol: 1e-2 },
  },
]);
runLossConformance(protoTripletLoss, [
  {
    name: 'margin 0.5',
    inputs: [x, labels, proxies.slice(0, 3)],
    reference: ([q, y, c]) => protoTripletRef(q as number[][], y as number[], c as number[][]),
  },
  {
    name: 'margin 2',
    inputs: [x, labels, proxies.slice(0, 3)],
    options: { margin: 2 },
    reference: ([q, y, c]) => protoTripletRef(q as number[][], y as number[], c as number[][], 2),
  },
]);
const icnnX = randomNormal([9, 3], 31) as number[][];
const icnnLabels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
runLossConformance(icnnLoss, [
  {
    name: 'k 4, B 9',
    inputs: [icnnX, icnnLabels],
    reference: ([e, y]) => icnnRef(e as number[][], y as number[]),
  },
  {
    name: 'k shrunk on a tiny batch',
    inputs: [x.slice(0, 4), [0, 0, 1, 1]],
    reference: ([e, y]) => icnnRef(e as number[][], y as number[]),
  },
]);

describe('learnable parameters', () => {
  it('createMarginLoss: per-class β matches the loop (with ν) and trains', () => {
    const beta = [1.0, 1.1, 0.9];
    const expected = marginRef(x, labels, { beta, nu: 0.1, margin: 0.1 });
    expectClose(marginLoss(x, labels, { beta: tf.tensor1d(beta), nu: 0.1, margin: 0.1 }), expected);
    const { loss, variables } = createMarginLoss({ numClasses: 3, beta: 1.2 });
    const before = Array.from(variables.beta.dataSync());
    const optimizer = tf.train.sgd(0.1);
    for (let i = 0; i < 3; i++) optimizer.minimize(() => loss(x, labels, { nu: 0.01 }) as tf.Scalar);
    expect(Array.from(variables.beta.dataSync())).not.toEqual(before);
    const g = tf.grad((b: tf.Tensor) => marginLoss(x, labels, { beta: b, nu: 0.1, margin: 0.1 }))(
      tf.tensor1d(beta),
    );
    const numeric = beta.map((_, c) => {
      const up = [...beta];
      const down = [...beta];
      up[c]! += 1e-6;
      down[c]! -= 1e-6;
      return (
        (marginRef(x, labels, { beta: up, nu: 0.1, margin: 0.1 }) -
          marginRef(x, labels, { beta: down, nu: 0.1, margin: 0.1 })) /
        2e-6
      );
    });
    expectClose(g, numeric, { atol: 1e-4, rtol: 1e-3 });
    expectXentError(() => marginLoss(x, [0, 0, 1, 1, 2, 3], { beta: tf.tensor1d(beta) }), 'INVALID_OPTION', {
      argument: 'options.beta',
    });
    variables.beta.dispose();
  });
  it('createProxyAnchorLoss: trainable proxies, Kaiming-normal init, loss decreases', () => {
    const { loss, variables } = createProxyAnchorLoss({ numClasses: 3, embeddingSize: 3, seed: 1 });
    expect(variables.proxies.shape).toEqual([3, 3]);
    const first = (loss(x, labels) as tf.Tensor).dataSync()[0]!;
    const optimizer = tf.train.adam(0.05);
    for (let i = 0; i < 20; i++) optimizer.minimize(() => loss(x, labels) as tf.Scalar);
    expect((loss(x, labels) as tf.Tensor).dataSync()[0]!).toBeLessThan(first);
    expectXentError(() => loss(x, [0, 0, 1, 1, 2, 5]), 'LABEL_OUT_OF_RANGE', { argument: 'labels' });
    expectXentError(() => createProxyAnchorLoss({ numClasses: 0, embeddingSize: 3 }), 'INVALID_OPTION', {
      argument: 'options.numClasses',
    });
    variables.proxies.dispose();
  });
  it('classPrototypes: class means, differentiable', () => {
    const protos = classPrototypes(tf.tensor(x), tf.tensor1d(labels, 'int32'), 3);
    expectClose(
      protos,
      [0, 1, 2].map((c) => [0, 1, 2].map((d) => (x[2 * c]![d]! + x[2 * c + 1]![d]!) / 2)),
    );
    gradCheck({
      fn: (s) => tf.sum(tf.square(classPrototypes(s, tf.tensor1d(labels, 'int32'), 3))),
      reference: (s) => {
        const rows = s as number[][];
        return [0, 1, 2].reduce(
          (t, c) =>
            t + [0, 1, 2].reduce((u, d) => u + ((rows[2 * c]![d]! + rows[2 * c + 1]![d]!) / 2) ** 2, 0),
          0,
        );
      },
      at: [x],
    });
  });
});

describe('Metrix', () => {
  it('metrixMixup: pairs every anchor with each negative, y = λ, ũ = λx + (1 − λ)n', () => {
    const e = tf.tensor(x);
    for (const mode of ['anchor-negative', 'positive-negative'] as const) {
      const mix = metrixMixup(e, labels, { mode, seed: 3 });
      const anchors = Array.from(mix.anchors.dataSync());
      const lambdas = Array.from(mix.targets.dataSync());
      expect(anchors.length).toBe(6 * 4);
      expect(lambdas.every((v) => v > 0 && v < 1)).toBe(true);
      if (mode === 'anchor-negative') {
        // ũ − λ·a lies on the negative's ray: check one row by reconstructing the negative.
        const m = mix.mixed.arraySync() as number[][];
        const a = anchors[0]!;
        const l = lambdas[0]!;
        const n = m[0]!.map((v, d) => (v - l * x[a]![d]!) / (1 - l));
        expect(
          x.some((row, j) => labels[j] !== labels[a] && row.every((v, d) => Math.abs(v - n[d]!) < 1e-4)),
        ).toBe(true);
      }
      tf.dispose([mix.mixed, mix.anchors, mix.targets]);
    }
    expectXentError(() => metrixMixup(e, labels, { alpha: 0 }), 'INVALID_OPTION');
    expectNoLeak(() => metrixMixup(e, labels));
    e.dispose();
  });
  const mixed = randomNormal([5, 3], 41) as number[][];
  const anchors = [0, 0, 2, 3, 5];
  const targets = [0.3, 0.8, 0.5, 0.1, 0.9];
  const contrastiveRef = (e: number[][], u: number[][], negMargin = 0.5) => {
    const en = normalize(e);
    const un = normalize(u);
    const d = anchors.map((a, i) => euclid(en[a]!, un[i]!));
    const pos = d.map((v, i) => targets[i]! * relu(v)).filter((v) => v > 0);
    const neg = d.map((v, i) => (1 - targets[i]!) * relu(negMargin - v)).filter((v) => v > 0);
    const avg = (v: number[]) => (v.length ? v.reduce((s, t) => s + t, 0) / v.length : 0);
    return avg(pos) + avg(neg);
  };
  it('metrixContrastiveLoss and metrixMultiSimilarityLoss match their loops, with gradients', () => {
    expectClose(metrixContrastiveLoss(x, mixed, anchors, targets), contrastiveRef(x, mixed));
    expectClose(
      metrixContrastiveLoss(x, mixed, anchors, targets, { negMargin: 1.5 }),
      contrastiveRef(x, mixed, 1.5),
    );
    expectClose(
      metrixMultiSimilarityLoss(x, mixed, anchors, targets),
      metrixMsRef(x, mixed, anchors, targets),
    );
    gradCheck({
      fn: (e, u) => metrixMultiSimilarityLoss(e, u, anchors, targets, { beta: 10 }),
      reference: (e, u) => metrixMsRef(e as number[][], u as number[][], anchors, targets, { beta: 10 }),
      at: [x, mixed],
    });
    gradCheck({
      fn: (e, u) => metrixContrastiveLoss(e, u, anchors, targets, { negMargin: 1.5 }),
      reference: (e, u) => contrastiveRef(e as number[][], u as number[][], 1.5),
      at: [x, mixed],
    });
    expectXentError(() => metrixContrastiveLoss(x, mixed, [0, 0, 2, 3, 9], targets), 'LABEL_OUT_OF_RANGE', {
      argument: 'anchors',
    });
    expectXentError(
      () => metrixMultiSimilarityLoss(x, mixed, anchors, [0, 2, 0, 0, 0]),
      'LABEL_OUT_OF_RANGE',
      {
        argument: 'targets',
      },
    );
    expectXentError(() => metrixContrastiveLoss(x, mixed, anchors, [0.1]), 'SHAPE_MISMATCH', {
      argument: 'targets',
    });
    expectNoLeak(() => metrixMultiSimilarityLoss(x, mixed, anchors, targets));
  });
  it('metrixMultiSimilarityLoss is exact and finite where e^{β(s − λ)} overflows (dot product, 0/1 targets)', () => {
    // Dot-product similarities of scaled embeddings reach ~30, so β(s − λ) ≈ 1500: the float64 loop
    // needs the shifted form log(1 + Σ w·eˣ) = m + log(e^{−m} + Σ w·e^{x − m}), m = max(0, max x).
    const e = x.map((row) => row.map((v) => 4 * v));
    const u = mixed.map((row) => row.map((v) => 4 * v));
    const hardTargets = [0, 1, 0.5, 1, 0];
    const dotOptions = { similarity: 'dot' } as const;
    const loss = metrixMultiSimilarityLoss(e, u, anchors, hardTargets, { distance: dotProduct() });
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
    expectClose(loss, metrixMsRef(e, u, anchors, hardTargets, dotOptions), { rtol: 1e-5 });
    loss.dispose();
    gradCheck({
      fn: (a, b) => metrixMultiSimilarityLoss(a, b, anchors, hardTargets, { distance: dotProduct() }),
      reference: (a, b) => metrixMsRef(a as number[][], b as number[][], anchors, hardTargets, dotOptions),
      at: [e, u],
    });
  });
});
