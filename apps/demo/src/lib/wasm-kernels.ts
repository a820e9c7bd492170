// tfjs-backend-wasm 4.22 has no UnsortedSegmentSum kernel, which the gradient of tf.gather needs (core's
// pickClass gathers x[i, y_i]); without it no loss using pickClass trains on wasm. This host-side kernel
// fills the gap for the playground.
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array;
}

export function registerWasmGaps(): void {
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm')) return;
  tf.registerKernel({
    kernelName: tf.UnsortedSegmentSum,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const wasm = backend as unknown as WasmBackendLike;
      const values = wasm.readSync(x.dataId) as Float32Array | Int32Array;
      const ids = wasm.readSync(segmentIds.dataId) as Int32Array;
      const inner = ids.length === 0 ? 0 : values.length / ids.length;
      const out = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
      const target = wasm.typedArrayFromHeap(out);
      target.fill(0);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (id < 0 || id >= numSegments) continue;
        for (let k = 0; k < inner; k++) target[id * inner + k]! += values[i * inner + k]!;
      }
      return out;
    },
  });
}
