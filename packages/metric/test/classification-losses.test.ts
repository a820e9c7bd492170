import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, expectXentError, gradCheck, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  arcFaceLoss,
  cosFaceLoss,
  createArcFaceLoss,
  createCosFaceLoss,
  createLargeMarginSoftmaxLoss,
  createNormalizedSoftmaxLoss,
  createProxyNcaLoss,
  createSoftTripleLoss,
  createSphereFaceLoss,
  createSubCenterArcFaceLoss,
  largeMarginSoftmaxLoss,
  lpDistance,
  normalizedSoftmaxLoss,
  proxyNcaLoss,
  softTripleLoss,
  sphereFaceLoss,
  subCenterArcFaceLoss,
  subCenterArcFaceOutliers,
} from '../src/index.js';
import pml from './fixtures/pml-classification.json';
import { dot, lse, normalize } from './reference.js';

// Float64 references from the papers' formulas (PML's conventions), as loops over samples and classes.
type M = number[][];
const norm = (r: number[]) => Math.sqrt(dot(r, r));
const cosines = (e: M, w: M) => {
  const en = normalize(e);
  const wn = normalize(w);
  return en.map((a) => wn.map((b) => dot(a, b)));
};
/** −log softmax(logits)_y per row. */
const ce = (logits: M, y: number[]) => logits.map((row, i) => lse(row) - row[y[i]!]!);
const withTarget = (scores: M, y: number[], psi: (c: number) => number) =>
  scores.map((row, i) => row.map((v, j) => (j === y[i] ? psi(v) : v)));
const scaleRows = (scores: M, s: (i: number, j: number) => number) =>
  scores.map((row, i) => row.map((v, j) => v * s(i, j)));
const rad = (deg: number) => (deg * Math.PI) / 180;

function arcFaceRef(e: M, y: number[], w: M, margin = 28.6, scale = 64): number[] {
  const m = rad(margin);
  const psi = (c: number) => {
    const theta = Math.acos(Math.min(1, Math.max(-1, c)));
    return theta <= Math.PI - m ? Math.cos(theta + m) : c - m * Math.sin(m);
  };
  return ce(
    scaleRows(withTarget(cosines(e, w), y, psi), () => scale),
    y,
  );
}
function cosFaceRef(e: M, y: number[], w: M, margin = 0.35, scale = 64): number[] {
  return ce(
    scaleRows(
      withTarget(cosines(e, w), y, (c) => c - margin),
      () => scale,
    ),
    y,
  );
}
function angularPsi(m: number) {
  return (c: number) => {
    const theta = Math.acos(Math.min(1, Math.max(-1, c)));
    const k = Math.floor(theta / (Math.PI / m));
    return (-1) ** k * Math.cos(m * theta) - 2 * k;
  };
}
function sphereFaceRef(e: M, y: number[], w: M, margin = 4, scale = 1): number[] {
  const s = withTarget(cosines(e, w), y, angularPsi(margin));
  return ce(
    scaleRows(s, (i) => norm(e[i]!) * scale),
    y,
  );
}
function lSoftmaxRef(e: M, y: number[], w: M, margin = 4, scale = 1): number[] {
  const s = withTarget(cosines(e, w), y, angularPsi(margin));
  return ce(
    scaleRows(s, (i, j) => norm(e[i]!) * norm(w[j]!) * scale),
    y,
  );
}
function normSoftmaxRef(e: M, y: number[], w: M, temperature = 0.05): number[] {
  return ce(
    scaleRows(cosines(e, w), () => 1 / temperature),
    y,
  );
}
function proxyNcaRef(e: M, y: number[], p: M, softmaxScale = 1): number[] {
  const en = normalize(e);
  const pn = normalize(p);
  const logits = en.map((a) => pn.map((b) => -softmaxScale * a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0)));
  return ce(logits, y);
}
function softTripleRef(e: M, y: number[], w: M, k = 10, la = 20, gamma = 0.1, margin = 0.01): number[] {
  const cos = cosines(e, w);
  const relaxed = cos.map((row) =>
    Array.from({ length: row.length / k }, (_, c) => {
      const s = row.slice(c * k, (c + 1) * k);
      const z = lse(s.map((v) => v / gamma));
      return s.reduce((t, v) => t + Math.exp(v / gamma - z) * v, 0);
    }),
  );
  return ce(
    scaleRows(
      withTarget(relaxed, y, (s) => s - margin),
      () => la,
    ),
    y,
  );
}
function subCenterRef(e: M, y: number[], w: M, k = 3, margin = 28.6, scale = 64): number[] {
  const best = cosines(e, w).map((row) =>
    Array.from({ length: row.length / k }, (_, c) => Math.max(...row.slice(c * k, (c + 1) * k))),
  );
  const rows = best.map((row) => row.map((v) => v));
  // ArcFace on the per-class best cosines: reuse the formula on unit vectors in the cosine basis.
  const m = rad(margin);
  const psi = (c: number) => {
    const theta = Math.acos(Math.min(1, Math.max(-1, c)));
    return theta <= Math.PI - m ? Math.cos(theta + m) : c - m * Math.sin(m);
  };
  return ce(
    scaleRows(withTarget(rows, y, psi), () => scale),
    y,
  );
}

const x = randomNormal([6, 4], 51) as M;
const labels = [0, 0, 1, 1, 2, 2];
const w = randomNormal([4, 4], 52) as M; // class 3 has no sample
const w3 = randomNormal([12, 4], 53) as M; // 4 classes × 3 (sub-)centres
const loose = { atol: 1e-3, rtol: 1e-2 };

runLossConformance(arcFaceLoss, [
  {
    name: 'm 28.6°, s 8',
    inputs: [x, labels, w],
    options: { scale: 8 },
    reference: ([e, y, c]) => arcFaceRef(e as M, y as number[], c as M, 28.6, 8),
  },
  {
    name: 'defaults (s 64)',
    inputs: [x, labels, w],
    reference: ([e, y, c]) => arcFaceRef(e as M, y as number[], c as M),
    tolerance: { atol: 1e-4, rtol: 1e-4 },
    gradTolerance: loose,
  },
  {
    name: 'm 120° (θ + m > π for some targets: the linear branch)',
    inputs: [x, labels, w],
    options: { margin: 120, scale: 4 },
    reference: ([e, y, c]) => arcFaceRef(e as M, y as number[], c as M, 120, 4),
  },
]);
runLossConformance(cosFaceLoss, [
  {
    name: 'm 0.35, s 8',
    inputs: [x, labels, w],
    options: { scale: 8 },
    reference: ([e, y, c]) => cosFaceRef(e as M, y as number[], c as M, 0.35, 8),
  },
  {
    name: 'defaults',
    inputs: [x, labels, w],
    reference: ([e, y, c]) => cosFaceRef(e as M, y as number[], c as M),
    tolerance: { atol: 1e-4, rtol: 1e-4 },
    gradTolerance: loose,
  },
]);
runLossConformance(sphereFaceLoss, [
  {
    name: 'm 4',
    inputs: [x, labels, w],
    reference: ([e, y, c]) => sphereFaceRef(e as M, y as number[], c as M),
  },
  {
    name: 'm 3, s 2',
    inputs: [x, labels, w],
    options: { margin: 3, scale: 2 },
    reference: ([e, y, c]) => sphereFaceRef(e as M, y as number[], c as M, 3, 2),
  },
]);
runLossConformance(largeMarginSoftmaxLoss, [
  {
    name: 'm 4',
    inputs: [x, labels, w],
    reference: ([e, y, c]) => lSoftmaxRef(e as M, y as number[], c as M),
  },
  {
    name: 'm 2, s 0.5',
    inputs: [x, labels, w],
    options: { margin: 2, scale: 0.5 },
    reference: ([e, y, c]) => lSoftmaxRef(e as M, y as number[], c as M, 2, 0.5),
  },
]);
runLossConformance(normalizedSoftmaxLoss, [
  {
    name: 'τ 0.5',
    inputs: [x, labels, w],
    options: { temperature: 0.5 },
    reference: ([e, y, c]) => normSoftmaxRef(e as M, y as number[], c as M, 0.5),
  },
  {
    name: 'defaults (τ 0.05)',
    inputs: [x, labels, w],
    reference: ([e, y, c]) => normSoftmaxRef(e as M, y as number[], c as M),
    tolerance: { atol: 1e-4, rtol: 1e-4 },
    gradTolerance: loose,
  },
]);
runLossConformance(proxyNcaLoss, [
  {
    name: 'σ 1',
    inputs: [x, labels, w],
    reference: ([e, y, c]) => proxyNcaRef(e as M, y as number[], c as M),
  },
  {
    name: 'σ 3',
    inputs: [x, labels, w],
    options: { softmaxScale: 3 },
    reference: ([e, y, c]) => proxyNcaRef(e as M, y as number[], c as M, 3),
  },
]);
runLossConformance(
  softTripleLoss,
  [
    {
      name: 'K 3, λ 5',
      inputs: [x, labels, w3],
      options: { centersPerClass: 3, la: 5 },
      reference: ([e, y, c]) => softTripleRef(e as M, y as number[], c as M, 3, 5),
    },
    {
      name: 'K 2 (6 classes of 2 centres), λ 20, γ 0.5, δ 0.1',
      inputs: [x, labels, w3],
      options: { centersPerClass: 2, gamma: 0.5, margin: 0.1 },
      reference: ([e, y, c]) => softTripleRef(e as M, y as number[], c as M, 2, 20, 0.5, 0.1),
      gradTolerance: loose,
    },
  ],
  { fuzz: { options: { centersPerClass: 1 } } },
); // the fuzz draws [C, D] weights: one centre per class
runLossConformance(
  subCenterArcFaceLoss,
  [
    {
      name: 'K 3, s 8',
      inputs: [x, labels, w3],
      options: { scale: 8 },
      reference: ([e, y, c]) => subCenterRef(e as M, y as number[], c as M, 3, 28.6, 8),
    },
    {
      name: 'K 2, m 10°, s 4',
      inputs: [x, labels, w3],
      options: { subCenters: 2, margin: 10, scale: 4 },
      reference: ([e, y, c]) => subCenterRef(e as M, y as number[], c as M, 2, 10, 4),
    },
  ],
  { fuzz: { options: { subCenters: 1 } } },
); // the fuzz draws [C, D] weights: one sub-centre per class

describe('classification-style losses agree with pytorch-metric-learning 2.9 (fixture)', () => {
  const e = pml.embeddings;
  const y = pml.labels;
  const cases = [
    ['arcFace', arcFaceLoss, pml.classWeights, { scale: 8 }],
    ['arcFaceDefaults', arcFaceLoss, pml.classWeights, {}],
    ['cosFace', cosFaceLoss, pml.classWeights, { scale: 8 }],
    ['sphereFace', sphereFaceLoss, pml.classWeights, {}],
    ['largeMarginSoftmax', largeMarginSoftmaxLoss, pml.classWeights, { margin: 3 }],
    ['normalizedSoftmax', normalizedSoftmaxLoss, pml.classWeights, { temperature: 0.5 }],
    ['proxyNca', proxyNcaLoss, pml.classWeights, { softmaxScale: 2 }],
    ['softTriple', softTripleLoss, pml.subCenterWeights, { centersPerClass: 3, la: 5 }],
    ['subCenterArcFace', subCenterArcFaceLoss, pml.subCenterWeights, { scale: 8 }],
  ] as const;
  for (const [name, loss, weights, options] of cases) {
    it(`${name}: value and gradients w.r.t. embeddings and class weights`, () => {
      const expected = pml.cases[name];
      const tolerance = { atol: 1e-4, rtol: 1e-4 };
      const call = (a: tf.Tensor, b: tf.Tensor) =>
        (loss as (...args: unknown[]) => tf.Tensor)(a, y, b, options);
      expectClose(call(tf.tensor(e), tf.tensor(weights)), expected.loss, tolerance);
      const [ge, gw] = tf.grads(call)([tf.tensor(e), tf.tensor(weights)]);
      expectClose(ge!, expected.gradEmbeddings, tolerance);
      expectClose(gw!, expected.gradClassWeights, tolerance);
    });
  }
  it('subCenterArcFaceOutliers: the same outliers and dominant sub-centres', () => {
    const found = expectNoLeak(() =>
      subCenterArcFaceOutliers(e, y, pml.subCenterWeights, { threshold: pml.outliers.threshold }),
    );
    expect(found.outliers).toEqual(pml.outliers.outliers);
    const dominant = found.dominantCenters.arraySync() as M;
    for (const [c, row] of Object.entries(pml.outliers.dominantCenters)) expectClose(dominant[+c]!, row);
    // Class 3 has no sample: its first sub-centre.
    expectClose(dominant[3]!, pml.subCenterWeights[9]!);
    found.dominantCenters.dispose();
  });
  it('lpDistance p = 1 and 3 (normalised with the same p)', () => {
    for (const p of [1, 3] as const)
      expectClose(lpDistance({ p }).pairwise(tf.tensor(e)), pml.lpDistance[p], { atol: 1e-5 });
  });
});

describe('special cases the papers state', () => {
  const call = (loss: (...args: unknown[]) => tf.Tensor, weights: M, options: object) =>
    Array.from(loss(x, labels, weights, { ...options, reduction: 'none' }).dataSync());
  it('margin 0: ArcFace = CosFace = normalised softmax with τ = 1/s; sub-centre K = 1 = ArcFace', () => {
    const plain = call(normalizedSoftmaxLoss as never, w, { temperature: 1 / 8 });
    expectClose(call(arcFaceLoss as never, w, { margin: 0, scale: 8 }), plain);
    expectClose(call(cosFaceLoss as never, w, { margin: 0, scale: 8 }), plain);
    expectClose(
      call(subCenterArcFaceLoss as never, w, { subCenters: 1, scale: 8 }),
      call(arcFaceLoss as never, w, { scale: 8 }),
    );
  });
  it('SoftTriple with one centre per class is CosFace(δ, λ)', () => {
    expectClose(
      call(softTripleLoss as never, w, { centersPerClass: 1, la: 7, margin: 0.2 }),
      call(cosFaceLoss as never, w, { margin: 0.2, scale: 7 }),
    );
  });
  it('L-Softmax with m = 1, s = 1 is softmax cross-entropy of x·Wᵀ', () => {
    const logits = x.map((a) => w.map((b) => dot(a, b)));
    expectClose(call(largeMarginSoftmaxLoss as never, w, { margin: 1 }), ce(logits, labels));
  });
  it('the cosine losses are invariant to the scale of embeddings and class weights', () => {
    const big = x.map((r) => r.map((v) => 3 * v));
    const bigW = w.map((r) => r.map((v) => 0.2 * v));
    for (const loss of [arcFaceLoss, cosFaceLoss, normalizedSoftmaxLoss, proxyNcaLoss] as const) {
      const f = loss as (...args: unknown[]) => tf.Tensor;
      expectClose(f(big, labels, bigW, { reduction: 'none' }), f(x, labels, w, { reduction: 'none' }), {
        atol: 1e-5,
        rtol: 1e-5,
      });
    }
  });
  it('a larger margin gives a larger loss (ArcFace, CosFace, SphereFace)', () => {
    const increasing = (values: number[]) => values.every((v, i) => i === 0 || v >= values[i - 1]! - 1e-6);
    const mean = (l: tf.Tensor) => l.dataSync()[0]!;
    expect(
      increasing([0, 10, 20, 40].map((m) => mean(arcFaceLoss(x, labels, w, { margin: m, scale: 8 })))),
    ).toBe(true);
    expect(
      increasing([0, 0.2, 0.4].map((m) => mean(cosFaceLoss(x, labels, w, { margin: m, scale: 8 })))),
    ).toBe(true);
    expect(increasing([1, 2, 3, 4].map((m) => mean(sphereFaceLoss(x, labels, w, { margin: m }))))).toBe(true);
  });
});

describe('degenerate inputs', () => {
  const losses = [
    [arcFaceLoss, {}],
    [cosFaceLoss, {}],
    [sphereFaceLoss, {}],
    [largeMarginSoftmaxLoss, {}],
    [normalizedSoftmaxLoss, {}],
    [proxyNcaLoss, {}],
    [softTripleLoss, { centersPerClass: 1 }],
    [subCenterArcFaceLoss, { subCenters: 1 }],
  ] as const;
  it('one class: loss 0 with a zero gradient (embeddings and weights)', () => {
    for (const [loss, options] of losses) {
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        (loss as (...args: unknown[]) => tf.Tensor)(a, [0, 0, 0, 0, 0, 0], b, options);
      expectClose(f(tf.tensor(x), tf.tensor(w.slice(0, 1))), 0);
      const grads = tf.grads(f)([tf.tensor(x), tf.tensor(w.slice(0, 1))]);
      for (const g of grads) expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
    }
  });
  it('a zero embedding row gives a finite loss and gradient', () => {
    const zero = [new Array(4).fill(0), ...x.slice(1)];
    for (const [loss, options] of losses) {
      const f = (a: tf.Tensor) => (loss as (...args: unknown[]) => tf.Tensor)(a, labels, w, options);
      expect(Number.isFinite(f(tf.tensor(zero)).dataSync()[0])).toBe(true);
      expect(Array.from(tf.grad(f)(tf.tensor(zero)).dataSync()).every(Number.isFinite)).toBe(true);
    }
  });
  it('an embedding equal to its class weight (cos = 1) has a finite ArcFace gradient', () => {
    const aligned = [w[0]!, ...x.slice(1)];
    const g = tf.grad((a: tf.Tensor) => arcFaceLoss(a, labels, w))(tf.tensor(aligned));
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
  });
});

describe('bad inputs', () => {
  it('rows of the centre matrix not a multiple of K', () => {
    expectXentError(() => softTripleLoss(x, labels, w3, { centersPerClass: 5 }), 'SHAPE_MISMATCH', {
      argument: 'classWeights',
    });
    expectXentError(() => subCenterArcFaceLoss(x, labels, w3, { subCenters: 5 }), 'SHAPE_MISMATCH', {
      argument: 'classWeights',
    });
    expectXentError(
      () => softTripleLoss(x, [0, 0, 1, 1, 2, 4], w3, { centersPerClass: 3 }),
      'LABEL_OUT_OF_RANGE',
      {
        argument: 'labels',
      },
    );
  });
  it('bad options', () => {
    expectXentError(() => arcFaceLoss(x, labels, w, { margin: 180 }), 'INVALID_OPTION', {
      argument: 'options.margin',
    });
    expectXentError(() => sphereFaceLoss(x, labels, w, { margin: 2.5 }), 'INVALID_OPTION', {
      argument: 'options.margin',
    });
    expectXentError(() => softTripleLoss(x, labels, w3, { gamma: 0 }), 'INVALID_OPTION', {
      argument: 'options.gamma',
    });
    expectXentError(() => subCenterArcFaceOutliers(x, labels, w3, { threshold: 200 }), 'INVALID_OPTION', {
      argument: 'options.threshold',
    });
    expectXentError(() => subCenterArcFaceOutliers(x, [0, 0, 1, 1, 2, 9], w3), 'LABEL_OUT_OF_RANGE', {
      argument: 'labels',
    });
  });
});

describe('create… factories own trainable class weights', () => {
  const factories = [
    [
      'createArcFaceLoss',
      () => createArcFaceLoss({ numClasses: 3, embeddingSize: 4, seed: 1 }),
      'classWeights',
      3,
    ],
    [
      'createCosFaceLoss',
      () => createCosFaceLoss({ numClasses: 3, embeddingSize: 4, seed: 1 }),
      'classWeights',
      3,
    ],
    [
      'createSphereFaceLoss',
      () => createSphereFaceLoss({ numClasses: 3, embeddingSize: 4 }),
      'classWeights',
      3,
    ],
    [
      'createLargeMarginSoftmaxLoss',
      () => createLargeMarginSoftmaxLoss({ numClasses: 3, embeddingSize: 4 }),
      'classWeights',
      3,
    ],
    [
      'createNormalizedSoftmaxLoss',
      () => createNormalizedSoftmaxLoss({ numClasses: 3, embeddingSize: 4 }),
      'classWeights',
      3,
    ],
    ['createProxyNcaLoss', () => createProxyNcaLoss({ numClasses: 3, embeddingSize: 4 }), 'proxies', 3],
    [
      'createSoftTripleLoss',
      () => createSoftTripleLoss({ numClasses: 3, embeddingSize: 4, centersPerClass: 2 }),
      'classWeights',
      6,
    ],
    [
      'createSubCenterArcFaceLoss',
      () => createSubCenterArcFaceLoss({ numClasses: 3, embeddingSize: 4 }),
      'classWeights',
      9,
    ],
  ] as const;
  for (const [name, make, variable, rows] of factories) {
    it(`${name}: [${rows}, 4] variable, the loss decreases when training only it, no leak`, () => {
      const { loss, variables } = make();
      const weights = (variables as Record<string, tf.Variable>)[variable]!;
      expect(weights.shape).toEqual([rows, 4]);
      expect(weights.trainable).toBe(true);
      const data = tf.tensor(x);
      const value = () => (loss(data, labels) as tf.Tensor).dataSync()[0]!;
      const before = value();
      const optimizer = tf.train.adam(0.05);
      const step = () =>
        optimizer.minimize(() => loss(data, labels) as tf.Scalar, false, [weights])?.dispose();
      // The first step creates Adam's two slot variables; later steps must create nothing.
      step();
      expectNoLeak(() => {
        for (let i = 0; i < 15; i++) step();
      });
      expect(value()).toBeLessThan(before);
      optimizer.dispose();
      weights.dispose();
      data.dispose();
    });
  }
  it('initialisations: N(0, 1) by default, SoftTriple U(±1/√(C·K)); seeded', () => {
    const a = createArcFaceLoss({ numClasses: 50, embeddingSize: 40, seed: 3 }).variables.classWeights;
    const b = createArcFaceLoss({ numClasses: 50, embeddingSize: 40, seed: 3 }).variables.classWeights;
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const values = Array.from(a.dataSync());
    const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(std).toBeGreaterThan(0.9);
    expect(std).toBeLessThan(1.1);
    const soft = createSoftTripleLoss({ numClasses: 5, embeddingSize: 8, centersPerClass: 5 }).variables
      .classWeights;
    expect(Math.max(...Array.from(soft.dataSync()).map(Math.abs))).toBeLessThanOrEqual(1 / 5);
    tf.dispose([a, b, soft]);
  });
  it('bad sizes throw INVALID_OPTION', () => {
    expectXentError(() => createArcFaceLoss({ numClasses: 0, embeddingSize: 4 }), 'INVALID_OPTION', {
      argument: 'options.numClasses',
    });
    expectXentError(
      () => createSoftTripleLoss({ numClasses: 2, embeddingSize: 4, centersPerClass: 1.5 }),
      'INVALID_OPTION',
      { argument: 'options.centersPerClass' },
    );
  });
});

describe('gradients w.r.t. the class weights at the defaults', () => {
  it('ArcFace s 64 and SoftTriple K 10 match finite differences of the loops', () => {
    gradCheck({
      fn: (c) => arcFaceLoss(x, labels, c),
      reference: (c) => {
        const v = arcFaceRef(x, labels, c as M);
        return v.reduce((s, t) => s + t, 0) / v.length;
      },
      at: [w],
      ...loose,
    });
    const w10 = randomNormal([30, 4], 54) as M;
    gradCheck({
      fn: (c) => softTripleLoss(x, labels, c),
      reference: (c) => {
        const v = softTripleRef(x, labels, c as M);
        return v.reduce((s, t) => s + t, 0) / v.length;
      },
      at: [w10],
      ...loose,
    });
  });
});
