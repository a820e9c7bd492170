import * as tf from '@tensorflow/tfjs';
import { randomInts, randomNormal, useBackend } from '@xent/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
// Deliberately no `import '../src/cpu.js'`: Node's main entry (the `node` condition) alone must reach
// the fused cpu kernels.
import * as main from '../src/index.js';
import * as nodeEntry from '../src/node.js';
import { CCE_FORWARD, linearCrossEntropy } from '../src/node.js';

const kernelsOf = async (fn: () => tf.TensorContainer) =>
  (await tf.profile(fn)).kernels.map((k) => k.name).filter((name) => name.startsWith('XentCce'));

let previous = '';
beforeAll(async () => {
  previous = tf.getBackend();
  await useBackend('cpu');
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

it('the main entry (browsers, bundlers) registers no cpu kernel; the node entry exports the same names', async () => {
  expect(Object.keys(nodeEntry).sort()).toEqual(Object.keys(main).sort());
  const e = tf.tensor2d(randomNormal([4, 3], 4) as number[][]);
  const c = tf.tensor2d(randomNormal([7, 3], 5) as number[][]);
  const y = tf.tensor1d(randomInts(4, 7, 6), 'int32');
  expect(await kernelsOf(() => main.linearCrossEntropy(e, c, y))).toEqual([]);
  expect(tf.getKernel(CCE_FORWARD, 'cpu')).toBeUndefined();
  tf.dispose([e, c, y]);
});

it("'auto' on cpu registers and runs the fused kernels without the side-effect entry, once", async () => {
  expect(tf.getKernel(CCE_FORWARD, 'cpu')).toBeUndefined();
  const e = tf.tensor2d(randomNormal([6, 5], 1) as number[][]);
  const c = tf.tensor2d(randomNormal([11, 5], 2) as number[][]);
  const y = tf.tensor1d(randomInts(6, 11, 3), 'int32');
  const chunked = await linearCrossEntropy(e, c, y, { impl: 'chunked' }).data();
  expect(tf.getKernel(CCE_FORWARD, 'cpu')).toBeUndefined();
  const forward = await kernelsOf(() => linearCrossEntropy(e, c, y));
  expect(forward).toContain('XentCceForward');
  const first = tf.getKernel(CCE_FORWARD, 'cpu');
  const backward = await kernelsOf(() => tf.grads((a, b) => linearCrossEntropy(a, b, y))([e, c]));
  expect(backward).toEqual(
    expect.arrayContaining(['XentCceBackwardEmbeddings', 'XentCceBackwardClassifier']),
  );
  // The side-effect entry afterwards keeps the same registration (no duplicate, no warning).
  await import('../src/cpu.js');
  expect(tf.getKernel(CCE_FORWARD, 'cpu')).toBe(first);
  const fused = await linearCrossEntropy(e, c, y, { impl: 'fused' }).data();
  expect(fused[0]).toBeCloseTo(chunked[0]!, 5);
  tf.dispose([e, c, y]);
});

it('backends other than cpu get no kernel from the lazy path', async (context) => {
  if (!(await useBackend('wasm'))) context.skip();
  try {
    const kernels = await kernelsOf(() =>
      linearCrossEntropy(
        [[1, 2]],
        [
          [0.5, 1],
          [1, -1],
        ],
        [1],
      ),
    );
    expect(kernels).toEqual([]);
    expect(tf.getKernel(CCE_FORWARD, 'wasm')).toBeUndefined();
  } finally {
    await useBackend('cpu');
  }
});
