// linearCrossEntropy in the shapes CCE and Liger users pass (issue 16 item 4): leading dims, `shift`,
// per-token and per-class weights, `returnLse`, on every path; checked against a float64 reference
// written from the formula and against PyTorch's F.cross_entropy on [B, T, V] (fixture + script in
// test/peers/torch_sequences.py).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import {
  expectClose,
  expectCloseAsync,
  expectNoLeak,
  expectNoLeakAsync,
  expectXentError,
  gradCheckAsync,
  type Nested,
  randomInts,
  randomNormal,
  useBackend,
} from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LinearCrossEntropyOptions, linearCrossEntropy } from '../src/index.js';
import '../src/cpu.js';
import { prepareBackend } from './backend-setup.js';
import { referenceSequence, type SequenceReferenceOptions } from './reference.js';

const B = 2;
const T = 5;
const D = 4;
const V = 9;
const E = randomNormal([B, T, D], 61, 0.8) as number[][][];
const C = randomNormal([V, D], 62, 0.8) as number[][];
const BIAS = randomNormal([V], 63, 0.5) as number[];
const Y = [randomInts(T, V, 64), randomInts(T, V, 65)].map((row, b) =>
  row.map((y, t) => ((b * T + t) % 4 === 2 ? -100 : y)),
);
const CLASS_W = randomInts(V, 4, 66).map((x) => 0.25 + x / 2);
const TOKEN_W = [randomInts(T, 5, 67).map((x) => x / 2), randomInts(T, 5, 68).map((x) => 0.5 + x / 3)];

type Impl = 'fused' | 'chunked';
const IMPLS: Record<string, readonly Impl[]> = {
  cpu: ['fused', 'chunked'],
  wasm: ['chunked'],
  webgpu: ['fused', 'chunked'],
};

interface Case {
  readonly name: string;
  readonly options: SequenceReferenceOptions & { readonly bias?: boolean };
}

// returnLse with each of ignoreIndex (every case has ignored targets), label smoothing and softcap,
// plus the new options together.
const CASES: readonly Case[] = [
  { name: 'ignoreIndex', options: {} },
  { name: 'label smoothing + bias', options: { labelSmoothing: 0.1, bias: true } },
  { name: 'softcap + z-loss', options: { softcap: 2, logZPenalty: 0.02 } },
  { name: 'shift 1 + token weights + softcap', options: { shift: 1, weights: TOKEN_W, softcap: 3 } },
  {
    name: 'shift 2 + class weights + label smoothing + bias',
    options: { shift: 2, classWeights: CLASS_W, labelSmoothing: 0.2, bias: true },
  },
  { name: 'per-sequence weights [B] + class weights', options: { weights: [0.5, 2], classWeights: CLASS_W } },
];

function opOptions(
  c: Case,
  impl: Impl,
  extra: Partial<LinearCrossEntropyOptions> = {},
): LinearCrossEntropyOptions {
  const { bias, weights, classWeights, ...rest } = c.options;
  return {
    ...rest,
    ...(bias ? { bias: BIAS } : {}),
    ...(weights ? { weights: weights as number[] } : {}),
    ...(classWeights ? { classWeights: classWeights as number[] } : {}),
    impl,
    vocabBlock: 4,
    tokenBlock: 3,
    ...extra,
  };
}

describeBackends(['cpu', 'wasm', 'webgpu'], (backend) => {
  const slow = backend === 'webgpu';
  prepareBackend(backend);
  for (const impl of IMPLS[backend]!) {
    describe(impl, () => {
      // SwiftShader is slow: two cases there (returnLse with smoothing, and with shift + softcap).
      const cases = slow ? CASES.filter((_, i) => i === 1 || i === 3) : CASES;
      for (const c of cases) {
        const bias = c.options.bias ? BIAS : undefined;
        it(`${c.name}: loss (every reduction) and returnLse's LSE match the float64 reference`, async () => {
          const expected = referenceSequence(E, C, Y, bias, c.options);
          for (const reduction of ['none', 'sum', 'mean'] as const) {
            await expectNoLeakAsync(async () => {
              const { loss, lse } = linearCrossEntropy(E, C, Y, {
                ...opOptions(c, impl, { reduction }),
                returnLse: true,
              });
              await expectCloseAsync(loss, expected[reduction], {
                atol: 2e-5,
                rtol: 2e-5,
                message: reduction,
              });
              await expectCloseAsync(lse, expected.lse, { atol: 2e-5, rtol: 2e-5, message: 'lse' });
              expect(lse.shape).toEqual([B, T - (c.options.shift ?? 0)]);
              if (reduction === 'none') expect(loss.shape).toEqual(lse.shape);
              tf.dispose([loss, lse]);
            });
          }
        });
        it(`${c.name}: gradients of loss + z-loss on the returned LSE match finite differences`, async () => {
          // A z-loss of the user's own on the returned (differentiable) LSE, as apple's compute_z_loss.
          const zLoss = 0.05;
          await expectNoLeakAsync(() =>
            gradCheckAsync({
              fn: (e, cl, b) => {
                const { loss, lse } = linearCrossEntropy(e!, cl!, Y, {
                  ...opOptions(c, impl),
                  ...(b ? { bias: b } : {}),
                  returnLse: true,
                });
                return tf.add(loss, tf.mul(tf.mean(tf.square(lse)), zLoss));
              },
              reference: (e, cl, b) => {
                const r = referenceSequence(e!, cl!, Y, b, c.options);
                const squares = r.lse.flat().map((x) => x * x);
                return r.mean + (zLoss * squares.reduce((a, x) => a + x, 0)) / squares.length;
              },
              at: bias ? [E, C, bias] : [E, C],
              atol: 2e-4,
              rtol: 2e-3,
            }),
          );
        });
      }

      it('any leading rank gives the same rows as the flattened [N, D] call', async (context) => {
        if (slow) context.skip();
        const e4 = tf.tensor4d(E.flat(2), [2, 1, T, D]);
        const y4 = tf.tensor3d(Y.flat(), [2, 1, T], 'int32');
        const e2 = tf.tensor2d(E.flat(1));
        const y2 = tf.tensor1d(Y.flat(), 'int32');
        const options = { impl, reduction: 'none' as const, bias: BIAS, labelSmoothing: 0.1 };
        const [rank4, flat] = [
          linearCrossEntropy(e4, C, y4, options),
          linearCrossEntropy(e2, C, y2, options),
        ];
        expect(rank4.shape).toEqual([2, 1, T]);
        await expectCloseAsync(tf.reshape(rank4, [-1]), flat, { atol: 1e-6, rtol: 1e-6 });
        const g4 = tf.grad((x: tf.Tensor) => linearCrossEntropy(x, C, y4, { impl }))(e4);
        const g2 = tf.grad((x: tf.Tensor) => linearCrossEntropy(x, C, y2, { impl }))(e2);
        expect(g4.shape).toEqual([2, 1, T, D]);
        await expectCloseAsync(tf.reshape(g4, [-1, D]), g2, { atol: 1e-6, rtol: 1e-6 });
        tf.dispose([e4, y4, e2, y2, rank4, flat, g4, g2]);
      });

      it('shift: the last k positions get exactly zero gradient; shift: true is shift 1', async (context) => {
        if (slow) context.skip();
        const e = tf.tensor3d(E);
        const y = tf.tensor2d(Y, undefined, 'int32');
        const [g] = tf.grads((x: tf.Tensor) => linearCrossEntropy(x, C, y, { impl, shift: 2 }))([e]);
        const values = (await g!.array()) as number[][][];
        for (const sequence of values) {
          expect(
            sequence
              .slice(T - 2)
              .flat()
              .every((x) => x === 0),
          ).toBe(true);
          expect(
            sequence
              .slice(0, T - 2)
              .flat()
              .some((x) => x !== 0),
          ).toBe(true);
        }
        const [one, yes] = [
          linearCrossEntropy(e, C, y, { impl, shift: 1 }),
          linearCrossEntropy(e, C, y, { impl, shift: true }),
        ];
        await expectCloseAsync(yes, one, { atol: 0, rtol: 0 });
        tf.dispose([e, y, g!, one, yes]);
      });
    });
  }
});

describe('agrees with PyTorch F.cross_entropy on [B, T, V] (float64 fixture)', () => {
  interface TorchCase {
    readonly name: string;
    readonly options: Record<string, number | boolean>;
    readonly expected: {
      none: Nested;
      sum: number;
      mean: number;
      lse: Nested;
      dEmbeddings: Nested;
      dClassifier: Nested;
      dBias?: Nested;
    };
  }
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/torch-sequences.json', import.meta.url), 'utf8'),
  ) as {
    embeddings: Nested;
    classifier: Nested;
    bias: number[];
    targets: number[][];
    classWeights: number[];
    weights: number[][];
    ignoreIndex: number;
    cases: TorchCase[];
  };
  const backends = [
    ['cpu', 'fused'],
    ['cpu', 'chunked'],
    ['wasm', 'chunked'],
  ] as const;
  for (const [backend, impl] of backends) {
    for (const c of fixture.cases) {
      it(`${backend} ${impl}: ${c.name}`, async (context) => {
        if (!(await useBackend(backend))) context.skip();
        const { bias, classWeights, weights, ...rest } = c.options;
        const options: LinearCrossEntropyOptions = {
          ...(rest as Partial<LinearCrossEntropyOptions>),
          ...(bias ? { bias: fixture.bias } : {}),
          ...(classWeights ? { classWeights: fixture.classWeights } : {}),
          ...(weights ? { weights: fixture.weights } : {}),
          ignoreIndex: fixture.ignoreIndex,
          impl,
          gradFilterEps: 0,
        };
        const tolerance = { atol: 1e-5, rtol: 1e-5 };
        for (const reduction of ['none', 'sum', 'mean'] as const) {
          const { loss, lse } = linearCrossEntropy(fixture.embeddings, fixture.classifier, fixture.targets, {
            ...options,
            reduction,
            returnLse: true,
          });
          await expectCloseAsync(loss, c.expected[reduction], { ...tolerance, message: reduction });
          await expectCloseAsync(lse, c.expected.lse, { ...tolerance, message: 'lse' });
          tf.dispose([loss, lse]);
        }
        const inputs = [
          tf.tensor(fixture.embeddings as number[][][]),
          tf.tensor2d(fixture.classifier as number[][]),
        ];
        if (bias) inputs.push(tf.tensor1d(fixture.bias));
        const grads = tf.grads((e: tf.Tensor, cl: tf.Tensor, b?: tf.Tensor) =>
          linearCrossEntropy(e, cl, fixture.targets, { ...options, ...(b ? { bias: b } : {}) }),
        )(inputs);
        await expectCloseAsync(grads[0]!, c.expected.dEmbeddings, { ...tolerance, message: 'dE' });
        await expectCloseAsync(grads[1]!, c.expected.dClassifier, { ...tolerance, message: 'dC' });
        if (bias) await expectCloseAsync(grads[2]!, c.expected.dBias!, { ...tolerance, message: 'db' });
        tf.dispose([...inputs, ...grads]);
      });
    }
  }
});

describe('shapes, weights and degenerate inputs (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('shift reads the embeddings in place: no copy of E, unlike slicing by hand', async () => {
    // [B, T, D] = [4, 64, 256]: E is 256 KiB; the shift costs only [B, T]-sized int32/float32 vectors.
    const e = tf.randomNormal([4, 64, 256], 0, 0.1, 'float32', 1);
    const c = tf.randomNormal([16, 256], 0, 0.1, 'float32', 2);
    const y = tf.randomUniform([4, 64], 0, 16, 'int32', 3);
    const eBytes = 4 * 64 * 256 * 4;
    const peak = async (f: () => tf.Tensor) => (await tf.profile(() => tf.dispose(f()))).peakBytes;
    const options = { impl: 'chunked' as const, validate: false };
    const unshifted = await peak(() => linearCrossEntropy(e, c, y, options));
    const shifted = await peak(() => linearCrossEntropy(e, c, y, { ...options, shift: 1 }));
    const byHand = await peak(() =>
      linearCrossEntropy(tf.slice(e, [0, 0, 0], [4, 63, 256]), c, tf.slice(y, [0, 1], [4, 63]), options),
    );
    expect(shifted - unshifted).toBeLessThan(eBytes / 8);
    // The copy (63/64 of E) less the few [B, T] vectors the shift adds.
    expect(byHand - shifted).toBeGreaterThan(0.9 * eBytes);
    tf.dispose([e, c, y]);
  });

  it('per-token weights of all ones change nothing; scaling them all leaves the mean unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (seed, scale) => {
          tf.tidy(() => {
            const e = randomNormal([2, 4, 3], seed) as number[][][];
            const c = randomNormal([5, 3], seed + 1) as number[][];
            const y = [randomInts(4, 5, seed + 2), randomInts(4, 5, seed + 3)];
            const w = [randomInts(4, 3, seed + 4).map((x) => x + 1), [1, 2, 3, 4]];
            const plain = linearCrossEntropy(e, c, y, { shift: 1 });
            expectClose(
              linearCrossEntropy(e, c, y, {
                shift: 1,
                weights: [
                  [1, 1, 1, 1],
                  [1, 1, 1, 1],
                ],
              }),
              plain,
            );
            expectClose(
              linearCrossEntropy(e, c, y, { weights: w.map((r) => r.map((x) => x * scale)) }),
              linearCrossEntropy(e, c, y, { weights: w }),
              { atol: 1e-6, rtol: 1e-5 },
            );
            // Equal class weights are no class weights for the mean (PyTorch's weight= normalisation).
            expectClose(
              linearCrossEntropy(e, c, y, {
                classWeights: [scale, scale, scale, scale, scale],
                labelSmoothing: 0.1,
              }),
              linearCrossEntropy(e, c, y, { labelSmoothing: 0.1 }),
              { atol: 1e-6, rtol: 1e-5 },
            );
          });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('shift k equals slicing by hand, for random B, T, k', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 1, max: 500 }),
        (b, t, seed) => {
          const k = 1 + (seed % (t - 1));
          tf.tidy(() => {
            const e = tf.tensor3d(randomNormal([b, t, 3], seed) as number[][][]);
            const c = tf.tensor2d(randomNormal([6, 3], seed + 1) as number[][]);
            const y = tf.tensor2d(
              Array.from({ length: b }, (_, i) => randomInts(t, 6, seed + 2 + i)),
              undefined,
              'int32',
            );
            const none = linearCrossEntropy(e, c, y, { shift: k, reduction: 'none' });
            const byHand = linearCrossEntropy(
              tf.slice(e, [0, 0, 0], [b, t - k, 3]),
              c,
              tf.slice(y, [0, k], [b, t - k]),
              { reduction: 'none' },
            );
            expect(none.shape).toEqual([b, t - k]);
            expectClose(none, byHand, { atol: 1e-6, rtol: 1e-6 });
          });
        },
      ),
      { numRuns: 20 },
    );
  });

  it('a fully ignored sequence is left out of the mean; an all-ignored batch gives 0 with zero gradients', async () => {
    const y = [Y[0]!, new Array(T).fill(-100)];
    const both = linearCrossEntropy(E, C, y);
    const first = linearCrossEntropy([E[0]!], C, [Y[0]!]);
    await expectCloseAsync(both, first, { atol: 1e-6, rtol: 1e-6 });
    // shift 1 with only the first target of each sequence kept: nothing is scored.
    const none = Y.map((row) => row.map((t, i) => (i === 0 ? t : -100)));
    for (const options of [{ shift: 1 }, { weights: [0, 0] }, { classWeights: new Array(V).fill(0) }]) {
      const e = tf.tensor3d(E);
      const c = tf.tensor2d(C);
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor, w: tf.Tensor) =>
        linearCrossEntropy(x, w, 'shift' in options ? none : Y, options),
      )([e, c]);
      await expectCloseAsync(value, 0, { atol: 0, rtol: 0 });
      await expectCloseAsync(grads[0]!, tf.zerosLike(e), { atol: 0, rtol: 0 });
      await expectCloseAsync(grads[1]!, tf.zerosLike(c), { atol: 0, rtol: 0 });
      tf.dispose([e, c, value, ...grads]);
    }
    tf.dispose([both, first]);
  });

  it('one class (V = 1) gives 0 for every token; T = 2 with shift 1 scores one position', async () => {
    const one = linearCrossEntropy(
      E,
      [C[0]!],
      Y.map((r) => r.map((t) => (t === -100 ? t : 0))),
      { reduction: 'none' },
    );
    await expectCloseAsync(one, tf.zeros([B, T]), { atol: 1e-6, rtol: 0 });
    const short = linearCrossEntropy(
      E.map((s) => s.slice(0, 2)),
      C,
      [
        [3, 4],
        [5, 6],
      ],
      { shift: 1, reduction: 'none', returnLse: true },
    );
    expect(short.loss.shape).toEqual([B, 1]);
    const expected = referenceSequence(
      E.map((s) => s.slice(0, 2)),
      C,
      [
        [3, 4],
        [5, 6],
      ],
      undefined,
      { shift: 1 },
    );
    await expectCloseAsync(short.loss, expected.none, { atol: 2e-5, rtol: 2e-5 });
    tf.dispose([one, short.loss, short.lse]);
  });

  it('leaks nothing with every new option on, forward and backward', async () => {
    const e = tf.tensor3d(E);
    const c = tf.tensor2d(C);
    const b = tf.tensor1d(BIAS);
    await expectNoLeakAsync(async () => {
      const grads = tf.grads((x: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) => {
        const { loss, lse } = linearCrossEntropy(x, w, Y, {
          bias: bb,
          shift: 1,
          weights: TOKEN_W,
          classWeights: CLASS_W,
          labelSmoothing: 0.1,
          returnLse: true,
        });
        return tf.add(loss, tf.sum(lse));
      })([e, c, b]);
      await Promise.all(grads.map((g) => g.data()));
      return grads;
    });
    tf.dispose([e, c, b]);
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});

describe('bad inputs of the new options and shapes (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  const call =
    (e: unknown, y: unknown, options: Record<string, unknown> = {}) =>
    () =>
      expectNoLeak(() => linearCrossEntropy(e as number[][][], C, y as number[][], options));
  it('INVALID_OPTION for shift outside [0, T), non-integer or of the wrong type', () => {
    for (const shift of [T, T + 3, -1, 1.5, 'one', Number.NaN]) {
      expectXentError(call(E, Y, { shift }), 'INVALID_OPTION', { argument: 'options.shift' });
    }
    expectXentError(call(E, Y, { returnLse: 'yes' }), 'INVALID_OPTION', { argument: 'options.returnLse' });
  });
  it('SHAPE_MISMATCH for targets, weights and classWeights that do not fit', () => {
    expectXentError(call(E, [Y[0]!]), 'SHAPE_MISMATCH', { argument: 'targets' });
    expectXentError(call(E, Y.flat()), 'SHAPE_MISMATCH', { argument: 'targets' });
    expectXentError(call(E, Y, { weights: [[1, 2]] }), 'SHAPE_MISMATCH', { argument: 'options.weights' });
    expectXentError(call(E, Y, { weights: [1, 2, 3] }), 'SHAPE_MISMATCH', { argument: 'options.weights' });
    expectXentError(call(E, Y, { classWeights: [1, 2] }), 'SHAPE_MISMATCH', {
      argument: 'options.classWeights',
    });
  });
  it('INVALID_OPTION / NON_FINITE_INPUT for negative or non-finite weights', () => {
    const negative = TOKEN_W.map((r, b) => r.map((x, t) => (b === 1 && t === 3 ? -1 : x)));
    expectXentError(call(E, Y, { weights: negative }), 'INVALID_OPTION', { argument: 'options.weights' });
    const nan = TOKEN_W.map((r, b) => r.map((x, t) => (b === 0 && t === 0 ? Number.NaN : x)));
    expectXentError(call(E, Y, { weights: nan }), 'NON_FINITE_INPUT', { argument: 'options.weights' });
    const cw = CLASS_W.map((x, i) => (i === 4 ? -0.5 : x));
    expectXentError(call(E, Y, { classWeights: cw }), 'INVALID_OPTION', { argument: 'options.classWeights' });
  });
  it('INVALID_OPTION for classWeights with labelSmoothing and softcap together', () => {
    expectXentError(
      call(E, Y, { classWeights: CLASS_W, labelSmoothing: 0.1, softcap: 5 }),
      'INVALID_OPTION',
      {
        argument: 'options.classWeights',
      },
    );
  });
  it('LABEL_OUT_OF_RANGE only for targets that are scored (shift drops the first k)', () => {
    const bad = Y.map((r) => [V + 3, ...r.slice(1)]);
    expectXentError(call(E, bad), 'LABEL_OUT_OF_RANGE', { argument: 'targets' });
    const value = expectNoLeak(() => linearCrossEntropy(E, C, bad, { shift: 1 }));
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    value.dispose();
  });
  it('EMPTY_BATCH for a zero-length leading dim', () => {
    const empty = tf.zeros([2, 0, D]);
    expectXentError(call(empty, tf.zeros([2, 0], 'int32')), 'EMPTY_BATCH', { argument: 'embeddings' });
    empty.dispose();
  });
});
