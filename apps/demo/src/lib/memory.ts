// The cce memory panel's measurement: dense cross-entropy (materialised [N, V] logits) against a fused
// linear + cross-entropy loss, forward + gradients for E and C, peak tensor bytes via tf.profile and time.
import * as tf from '@tensorflow/tfjs-core';
import { type AnyLossFn, logSoftmax, pickClass, registry } from '@xent/core';
import { planInputs } from './adapters.js';
import { createRng, randomInt } from './rng.js';

export interface MemoryResult {
  readonly method: string;
  /** Peak bytes of live tensors above what existed before the call (tf.profile). */
  readonly peakBytes: number;
  readonly milliseconds: number;
  readonly loss: number;
}

type Fused = (embeddings: tf.Tensor, classifier: tf.Tensor, targets: tf.Tensor) => tf.Tensor;

// @xent/cce's entry, when the workspace has it (its `linearCrossEntropy` is a plain function, not a
// registry spec).
const cceModules = import.meta.glob<{ linearCrossEntropy?: Fused }>('../../../../packages/cce/src/index.ts');
// Its side-effect entries that register the fused kernels (`@xent/cce/cpu`, `@xent/cce/webgpu`).
const cceKernelModules = import.meta.glob([
  '../../../../packages/cce/src/cpu.ts',
  '../../../../packages/cce/src/webgpu.ts',
]);

/** `linearCrossEntropy`: from the registry if a package registered it, else from @xent/cce's source. */
export async function findLinearCrossEntropy(): Promise<Fused | undefined> {
  const registered: AnyLossFn | undefined = registry
    .list()
    .find((fn) => fn.spec.name === 'linearCrossEntropy');
  if (registered) {
    const plan = planInputs({ ...registered.spec, family: 'classification' });
    if (!plan.supported) throw new Error(`linearCrossEntropy: ${plan.reason}`);
    return (e, c, y) =>
      registered(...plan.roles.map((role) => (role === 'features' ? e : role === 'classifier' ? c : y)));
  }
  const load = Object.values(cceModules)[0];
  if (!load) return undefined;
  for (const [path, loadKernels] of Object.entries(cceKernelModules)) {
    // The webgpu entry needs tfjs's webgpu backend module; it is loaded only when that backend is active.
    if (path.endsWith('webgpu.ts') && tf.getBackend() !== 'webgpu') continue;
    await loadKernels();
  }
  return (await load()).linearCrossEntropy;
}

type Compute = (e: tf.Tensor, c: tf.Tensor, y: tf.Tensor) => tf.Scalar;

async function measure(method: string, compute: Compute, e: tf.Tensor, c: tf.Tensor, y: tf.Tensor) {
  const run = async () => {
    const f = (ee: tf.Tensor, cc: tf.Tensor) => compute(ee, cc, y);
    const { value, grads } = tf.valueAndGrads(f)([e, c]);
    const loss = (await value.data())[0]!;
    for (const g of grads) await g.data();
    value.dispose();
    tf.dispose(grads);
    return loss;
  };
  const before = tf.memory().numBytes;
  let loss = Number.NaN;
  const started = performance.now();
  const profile = await tf.profile(async () => {
    loss = await run();
  });
  const milliseconds = performance.now() - started;
  return { method, peakBytes: Math.max(0, profile.peakBytes - before), milliseconds, loss };
}

const dense: Compute = (e, c, y) =>
  tf.neg(tf.mean(pickClass(logSoftmax(tf.matMul(e, c, false, true)), y))) as tf.Scalar;

/**
 * Bytes the dense method is expected to peak at: about six float32 `[N, V]` buffers (logits, their
 * log-softmax and its intermediates, the gradient; fitted to tf.profile on wasm: 52 MiB measured at
 * N=256, V=8192, D=64), plus the gradients of E and C. An estimate, to refuse sizes a backend cannot hold
 * before trying them.
 */
export function estimateDenseBytes(n: number, v: number, d: number): number {
  return 4 * (6 * n * v + 2 * v * d + 2 * n * d);
}

/** The largest dense estimate the panel runs per backend (wasm's heap is 2 GiB at most; GPUs vary). */
export const MEMORY_LIMITS: Readonly<Record<string, number>> = {
  wasm: 1.5 * 2 ** 30,
  cpu: 1.5 * 2 ** 30,
  webgl: 1 * 2 ** 30,
  webgpu: 1 * 2 ** 30,
};

/** Runs both methods on the same seeded E `[N, D]`, C `[V, D]`, targets `[N]`. */
export async function compareMemory(
  n: number,
  v: number,
  d: number,
  seed = 1,
  onProgress: (method: string) => void = () => {},
): Promise<MemoryResult[]> {
  const rng = createRng(seed);
  const e = tf.randomNormal([n, d], 0, 1, 'float32', seed);
  const c = tf.randomNormal([v, d], 0, 1 / Math.sqrt(d), 'float32', seed + 1);
  const y = tf.tensor1d(
    Int32Array.from({ length: n }, () => randomInt(rng, v)),
    'int32',
  );
  try {
    onProgress('dense cross-entropy');
    const results: MemoryResult[] = [await measure('dense cross-entropy', dense, e, c, y)];
    const fused = await findLinearCrossEntropy();
    if (fused) {
      onProgress('linearCrossEntropy');
      results.push(
        await measure('linearCrossEntropy', (ee, cc, yy) => fused(ee, cc, yy) as tf.Scalar, e, c, y),
      );
    }
    return results;
  } finally {
    tf.dispose([e, c, y]);
  }
}
