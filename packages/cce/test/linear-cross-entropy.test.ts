import * as tf from '@tensorflow/tfjs';
import {
  expectCloseAsync,
  expectNoLeak,
  expectNoLeakAsync,
  gradCheckAsync,
  type Nested,
  randomInts,
  randomNormal,
} from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';
import { type LinearCrossEntropyOptions, linearCrossEntropy } from '../src/index.js';
import '../src/cpu.js';
import { setCceWebGpuLimits } from '../src/webgpu.js';
import { prepareBackend } from './backend-setup.js';
import { expectMatchesDense } from './dense.js';
import { type ReferenceOptions, referenceLoss } from './reference.js';

// Small problem: blocks of 3 tokens × 4 vocabulary rows force several tiles on every path.
const N = 7;
const D = 5;
const V = 13;
const E = randomNormal([N, D], 11, 0.8);
const C = randomNormal([V, D], 12, 0.8);
const B = randomNormal([V], 13, 0.5);
const Y = randomInts(N, V, 14);
const Y_IGNORED = Y.map((y, i) => (i % 3 === 1 ? -100 : y));

interface Case {
  readonly name: string;
  readonly options: ReferenceOptions & { readonly bias?: boolean };
  readonly targets?: readonly number[];
}

const CASES: readonly Case[] = [
  { name: 'plain', options: {} },
  { name: 'bias + ignored rows', options: { bias: true }, targets: Y_IGNORED },
  { name: 'softcap', options: { softcap: 2 } },
  { name: 'label smoothing', options: { labelSmoothing: 0.1 } },
  { name: 'z-loss', options: { logZPenalty: 0.05 } },
  {
    name: 'everything at once',
    options: { bias: true, softcap: 3, labelSmoothing: 0.2, logZPenalty: 0.01, ignoreIndex: 2 },
    targets: Y.map((y, i) => (i % 2 === 0 ? 2 : y)),
  },
];

const IMPLS: Record<string, readonly ('fused' | 'chunked')[]> = {
  cpu: ['fused', 'chunked'],
  wasm: ['chunked'],
  webgpu: ['fused', 'chunked'],
};

// SwiftShader compiles each WGSL variant on the CPU: 15 s for the largest test below on an idle 2-core
// machine, several times that beside the rest of CI. A generous limit for those tests only.
const SWIFTSHADER_TIMEOUT = 240_000;

function opOptions(c: Case, impl: string, extra: Record<string, unknown> = {}): LinearCrossEntropyOptions {
  const { bias: _bias, ...rest } = c.options;
  return { ...rest, impl: impl as 'fused', vocabBlock: 4, tokenBlock: 3, ...extra };
}

describeBackends(['cpu', 'wasm', 'webgpu'], (backend) => {
  const slow = backend === 'webgpu';
  prepareBackend(backend);
  for (const impl of IMPLS[backend]!) {
    describe(impl, () => {
      // SwiftShader is slow: on webgpu the fused kernels get most cases, the (backend-independent)
      // chunked composite one case that turns everything on.
      const cases = !slow
        ? CASES
        : impl === 'fused'
          ? CASES.filter((x) => x.name !== 'softcap' && x.name !== 'z-loss')
          : CASES.filter((x) => x.name === 'everything at once');
      for (const c of cases) {
        const targets = c.targets ?? Y;
        const bias = c.options.bias ? B : undefined;
        it(`${c.name}: loss matches the float64 reference for every reduction`, async () => {
          const e = tf.tensor2d(E as number[][]);
          const cl = tf.tensor2d(C as number[][]);
          const y = tf.tensor1d(targets as number[], 'int32');
          const b = bias ? tf.tensor1d(bias as number[]) : undefined;
          for (const reduction of ['none', 'sum', 'mean'] as const) {
            const expected = referenceLoss(E, C, targets, bias, { ...c.options, reduction }) as Nested;
            const tolerance = { atol: 2e-5, rtol: 2e-5, message: reduction };
            await expectNoLeakAsync(async () => {
              const loss = linearCrossEntropy(e, cl, y, {
                ...opOptions(c, impl, { reduction }),
                ...(b ? { bias: b } : {}),
              });
              await expectCloseAsync(loss, expected, tolerance);
              loss.dispose();
            });
            // TensorLike inputs give the same values.
            const fromArrays = linearCrossEntropy(E as number[][], C as number[][], targets as number[], {
              ...opOptions(c, impl, { reduction }),
              ...(bias ? { bias: bias as number[] } : {}),
            });
            await expectCloseAsync(fromArrays, expected, tolerance);
            fromArrays.dispose();
          }
          tf.dispose([e, cl, y, b]);
        });
        it(`${c.name}: gradients match finite differences of the reference`, async () => {
          const at: Nested[] = bias ? [E, C, bias] : [E, C];
          await expectNoLeakAsync(() =>
            gradCheckAsync({
              fn: (e, cl, b) =>
                linearCrossEntropy(e!, cl!, tf.tensor1d(targets as number[], 'int32'), {
                  ...opOptions(c, impl),
                  ...(b ? { bias: b } : {}),
                }),
              reference: (e, cl, b) => referenceLoss(e, cl, targets, b, c.options) as number,
              at,
              atol: 2e-4,
              rtol: 2e-3,
            }),
          );
        });
      }

      it(
        'matches the dense tfjs composite past the default block sizes',
        async () => {
          const [n, d, v] = slow ? [37, 12, 150] : [45, 24, 300];
          const e = tf.tensor2d(randomNormal([n, d], 21, 0.6) as number[][]);
          const cl = tf.tensor2d(randomNormal([v, d], 22, 0.6) as number[][]);
          const b = tf.tensor1d(randomNormal([v], 23, 0.3) as number[]);
          const y = tf.tensor1d(randomInts(n, v, 24), 'int32');
          await expectMatchesDense(e, cl, b, y, { softcap: 4, labelSmoothing: 0.05, impl });
          tf.dispose([e, cl, b, y]);
        },
        slow ? SWIFTSHADER_TIMEOUT : undefined,
      );

      it('gives 0 and zero gradients (not NaN) for an all-ignored batch', async () => {
        const y = tf.tensor1d(new Array(N).fill(-100), 'int32');
        const e = tf.tensor2d(E as number[][]);
        const cl = tf.tensor2d(C as number[][]);
        const { value, grads } = tf.valueAndGrads((x: tf.Tensor, w: tf.Tensor) =>
          linearCrossEntropy(x, w, y, { impl }),
        )([e, cl]);
        await expectCloseAsync(value, 0, { atol: 0, rtol: 0 });
        await expectCloseAsync(grads[0]!, tf.zeros([N, D]), { atol: 0, rtol: 0 });
        await expectCloseAsync(grads[1]!, tf.zeros([V, D]), { atol: 0, rtol: 0 });
        tf.dispose([y, e, cl, value, ...grads]);
      });

      it('filters gradient blocks of a peaked softmax without changing the result beyond float32', async (context) => {
        if (slow && impl === 'chunked') context.skip(); // no synchronous reads there: nothing is filtered
        // Targets in the first 8 of 64 classes with large logits there: most blocks are below ε.
        const [n, d, v] = [16, 8, 64];
        const y = randomInts(n, 8, 31);
        const eRows = randomNormal([n, d], 32, 0.1) as number[][];
        const cRows = randomNormal([v, d], 33, 0.1) as number[][];
        eRows.forEach((row, i) => {
          row[i % d] = (row[i % d] ?? 0) + 4;
        });
        y.forEach((t, i) => {
          cRows[t]![i % d] = 10;
        });
        const e = tf.tensor2d(eRows);
        const cl = tf.tensor2d(cRows);
        const yt = tf.tensor1d(y, 'int32');
        const run = (eps: number) =>
          tf.grads((x: tf.Tensor, w: tf.Tensor) =>
            linearCrossEntropy(x, w, yt, { impl, gradFilterEps: eps, vocabBlock: 8, tokenBlock: 4 }),
          )([e, cl]);
        const [exact, filtered] = [run(0), run(1e-6)];
        await expectCloseAsync(filtered[0]!, exact[0]!, { atol: 1e-5, rtol: 1e-4 });
        await expectCloseAsync(filtered[1]!, exact[1]!, { atol: 1e-5, rtol: 1e-4 });
        if (impl === 'chunked') {
          // The filter does skip: 7 of the 8 vocabulary blocks hold no target and (per row) a softmax
          // mass ≈ 8·e⁻⁴⁰, so only the 4 tiles of block 0 recompute their 3 backward matmuls.
          const matMuls = async (eps: number) => {
            const profile = await tf.profile(() => tf.dispose(run(eps)));
            return profile.kernels.filter((k) => k.name === 'BatchMatMul').length;
          };
          expect(await matMuls(0)).toBe(32 + 32 * 3);
          expect(await matMuls(1e-6)).toBe(32 + 4 * 3);
        }
        tf.dispose([e, cl, yt, ...exact, ...filtered]);
      });
    });
  }

  if (backend === 'webgpu') {
    it(
      'tiles calls past a (fake, tiny) maxStorageBufferBindingSize instead of truncating',
      async () => {
        // 100 bytes: 4 rows of D + 1 = 6 floats per call, 2 workgroups per dimension.
        setCceWebGpuLimits({
          maxStorageBufferBindingSize: 100,
          maxComputeWorkgroupsPerDimension: 2,
          maxComputeWorkgroupStorageSize: 16384,
        });
        try {
          const [e, cl, b] = [
            tf.tensor2d(E as number[][]),
            tf.tensor2d(C as number[][]),
            tf.tensor1d(B as number[]),
          ];
          const y = tf.tensor1d(Y_IGNORED, 'int32');
          await expectMatchesDense(e, cl, b, y, { impl: 'fused', softcap: 3 });
          tf.dispose([e, cl, b, y]);
        } finally {
          setCceWebGpuLimits({ maxComputeWorkgroupStorageSize: 16384 });
        }
      },
      SWIFTSHADER_TIMEOUT,
    );
    it(
      'D past 256 (two columns of dE/dC per thread) matches the dense composite',
      async () => {
        const [n, d, v] = [9, 300, 37];
        const e = tf.tensor2d(randomNormal([n, d], 51, 0.1) as number[][]);
        const cl = tf.tensor2d(randomNormal([v, d], 52, 0.1) as number[][]);
        const b = tf.tensor1d(randomNormal([v], 53, 0.3) as number[]);
        const y = tf.tensor1d(randomInts(n, v, 54), 'int32');
        await expectMatchesDense(e, cl, b, y, { impl: 'fused' });
        tf.dispose([e, cl, b, y]);
      },
      SWIFTSHADER_TIMEOUT,
    );
    it(
      '64 × 64 tiles (4 × 4 logits per thread) match the dense composite',
      async () => {
        setCceWebGpuLimits({ maxComputeWorkgroupStorageSize: 32768 });
        try {
          const [n, d, v] = [70, 20, 150];
          const e = tf.tensor2d(randomNormal([n, d], 41, 0.6) as number[][]);
          const cl = tf.tensor2d(randomNormal([v, d], 42, 0.6) as number[][]);
          const b = tf.tensor1d(randomNormal([v], 43, 0.3) as number[]);
          const y = tf.tensor1d(randomInts(n, v, 44), 'int32');
          await expectMatchesDense(e, cl, b, y, { softcap: 4, logZPenalty: 0.01, impl: 'fused' });
          tf.dispose([e, cl, b, y]);
        } finally {
          setCceWebGpuLimits({ maxComputeWorkgroupStorageSize: 16384 });
        }
      },
      SWIFTSHADER_TIMEOUT,
    );
  }

  it('leaks no tensors through forward and backward', async () => {
    const e = tf.tensor2d(E as number[][]);
    const cl = tf.tensor2d(C as number[][]);
    const y = tf.tensor1d(Y_IGNORED, 'int32');
    const b = tf.tensor1d(B as number[]);
    await expectNoLeakAsync(async () => {
      const grads = tf.grads((x: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) =>
        linearCrossEntropy(x, w, y, { bias: bb, vocabBlock: 4, tokenBlock: 3 }),
      )([e, cl, b]);
      await Promise.all(grads.map((g) => g.data()));
      return grads;
    });
    tf.dispose([e, cl, y, b]);
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});

describe('expectNoLeak on the synchronous op', () => {
  it('disposes every intermediate', () => {
    const loss = expectNoLeak(() =>
      linearCrossEntropy(E as number[][], C as number[][], Y, { impl: 'chunked' }),
    );
    // The kit leaves the returned tensor to the caller.
    expect(loss.isDisposed).toBe(false);
    loss.dispose();
  });
});
