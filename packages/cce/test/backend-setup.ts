import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import { setCceWebGpuLimits } from '../src/webgpu.js';

/** Per-backend setup of the cce test suites; call inside a `describeBackends` body. */
export function prepareBackend(backend: string): void {
  if (backend === 'wasm') {
    // tfjs-wasm's Identity copies, so the clones customGrad's save() makes count as new data ids and
    // IS_TEST's per-kernel leak check fires for any customGrad that saves (tf.losses ones too).
    // Leaks are still checked by tensor counts.
    beforeAll(() => tf.env().set('IS_TEST', false));
    afterAll(() => tf.env().set('IS_TEST', true));
  }
  if (backend === 'webgpu') {
    // 32 × 32 tiles (WebGPU's default 16 KB workgroup memory) compile fast on SwiftShader; the 64 × 64
    // variant is checked once in linear-cross-entropy.test.ts.
    beforeAll(() => setCceWebGpuLimits({ maxComputeWorkgroupStorageSize: 16384 }));
    afterAll(() => setCceWebGpuLimits(undefined));
  }
}
