import * as tf from '@tensorflow/tfjs';

/**
 * wasm only: peak bytes of live tensor buffers in the wasm heap above the start of `fn` — every
 * `_malloc` of tfjs-wasm's JS side counted once (views and reshapes share a buffer and are not counted
 * again, unlike `tf.profile`'s per-Tensor figure; kernel-internal scratch in C++ is not seen).
 */
export async function peakHeapBytes(fn: () => unknown): Promise<number> {
  const wasm = (tf.backend() as unknown as { wasm: { _malloc(n: number): number; _free(p: number): void } })
    .wasm;
  const [malloc, free] = [wasm._malloc, wasm._free];
  const sizes = new Map<number, number>();
  let live = 0;
  let peak = 0;
  wasm._malloc = (n: number) => {
    const ptr = malloc(n);
    sizes.set(ptr, n);
    live += n;
    peak = Math.max(peak, live);
    return ptr;
  };
  wasm._free = (ptr: number) => {
    live -= sizes.get(ptr) ?? 0;
    sizes.delete(ptr);
    free(ptr);
  };
  try {
    const out = tf.tidy(() => fn() as tf.TensorContainer);
    for (const t of Array.isArray(out) ? out : [out]) await (t as tf.Tensor).data();
    tf.dispose(out);
  } finally {
    wasm._malloc = malloc;
    wasm._free = free;
  }
  return peak;
}
