import * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-wasm's backend a heap-to-heap copy needs (public methods of `BackendWasm`). */
interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Rows `[start, start + size)` of `x` (any rank ≥ 1), as a new tensor the caller disposes: the values
 * of `tf.slice` along axis 0.
 *
 * On tfjs-wasm it copies the rows inside the wasm heap. That backend's `slice` first reads the *whole*
 * input out of the heap to the host (`readSync`), so taking `k` blocks of a `[V, D]` matrix moved
 * `k·V·D` floats through the host (V²·D for a vocabulary loop), and its `gather` indexes element by
 * element (~20 ns a float here). Other backends keep `tf.slice`, which costs only the block.
 *
 * Meant for blocks inside a custom gradient or kernel: on wasm the copy is not recorded on the gradient
 * tape.
 *
 * @param x tensor of rank ≥ 1 (numeric or bool dtype).
 * @param start first row, `0 ≤ start ≤ x.shape[0]`.
 * @param size number of rows, `start + size ≤ x.shape[0]`.
 * @returns `x.shape` with the first dimension replaced by `size`; `[0, …]` when `size` is 0.
 * @example
 * const block = takeRows(classifier, 512, 512); // rows 512..1023
 */
export function takeRows<T extends tf.Tensor>(x: T, start: number, size: number): T {
  const rest = x.shape.slice(1);
  if (tf.getBackend() !== 'wasm' || x.dtype === 'string' || x.dtype === 'complex64') {
    return tf.slice(x, [start, ...rest.map(() => 0)], [size, ...rest]) as T;
  }
  const heap = tf.backend() as unknown as WasmHeap;
  const rowSize = rest.reduce((a, b) => a * b, 1);
  const out = heap.makeOutput([size, ...rest], x.dtype);
  // Views after the allocation: growing the heap detaches earlier ones.
  const source = heap.typedArrayFromHeap(x).subarray(start * rowSize, (start + size) * rowSize);
  heap.typedArrayFromHeap(out).set(source);
  return tf.engine().makeTensorFromTensorInfo(out) as T;
}

/** Fills a `[rows, …rest]` tensor block by block; see {@link rowBlockWriter}. */
export interface RowBlockWriter {
  /** Copies `piece` (`[k, …rest]`) to rows `[start, start + k)` and disposes it. */
  write(start: number, piece: tf.Tensor): void;
  /** The assembled tensor (every row must have been written). */
  finish(): tf.Tensor;
}

/**
 * Assembles a `[rows, …rest]` float32 tensor from disjoint row blocks without holding the blocks and
 * the result at once (which `tf.concat` does: 2× the result at its peak).
 *
 * On tfjs-wasm the result is allocated once in the wasm heap (at the first block; a single block of all
 * rows is the result itself) and each block copied into it there. On
 * other backends with synchronous reads the blocks go through one host array (host memory instead of
 * a second device copy); on asynchronous backends (webgpu) they are concatenated at the end.
 *
 * @param rows total rows of the result.
 * @param rest the remaining dimensions (`[D]` for a matrix).
 * @returns a writer; call `write` for each block (any order), then `finish` once.
 * @example
 * const out = rowBlockWriter(v, [d]);
 * for (const [v0, v1] of blocks) out.write(v0, blockGradient(v0, v1));
 * const dC = out.finish();
 */
export function rowBlockWriter(rows: number, rest: readonly number[]): RowBlockWriter {
  const rowSize = rest.reduce((a, b) => a * b, 1);
  const shape = [rows, ...rest];
  if (tf.getBackend() === 'wasm') {
    const heap = tf.backend() as unknown as WasmHeap;
    let out: tf.TensorInfo | undefined;
    let whole: tf.Tensor | undefined;
    return {
      write(start, piece) {
        // One block with every row: it is the result (no second copy).
        if (!out && !whole && start === 0 && piece.shape[0] === rows) {
          whole = piece;
          return;
        }
        out ??= heap.makeOutput(shape, 'float32');
        heap.typedArrayFromHeap(out).set(heap.typedArrayFromHeap(piece), start * rowSize);
        piece.dispose();
      },
      finish: () => whole ?? tf.engine().makeTensorFromTensorInfo(out ?? heap.makeOutput(shape, 'float32')),
    };
  }
  const pieces: Array<readonly [number, tf.Tensor]> = [];
  let host: Float32Array | undefined;
  let whole: tf.Tensor | undefined;
  return {
    write(start, piece) {
      if (!host && !whole && pieces.length === 0 && start === 0 && piece.shape[0] === rows) {
        whole = piece;
        return;
      }
      if (!host && pieces.length === 0 && tf.getBackend() !== 'webgpu')
        host = new Float32Array(rows * rowSize);
      if (host) {
        host.set(piece.dataSync() as Float32Array, start * rowSize);
        piece.dispose();
      } else pieces.push([start, piece]);
    },
    finish() {
      if (whole) return whole;
      if (host) return tf.tensor(host, shape, 'float32');
      const ordered = [...pieces].sort((a, b) => a[0] - b[0]).map(([, piece]) => piece);
      if (ordered.length === 1) return ordered[0]!;
      const all = tf.concat(ordered, 0);
      tf.dispose(ordered);
      return all;
    },
  };
}
