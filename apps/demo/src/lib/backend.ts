// Backend selection: webgpu when the browser has an adapter, else webgl, wasm, cpu.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmGaps } from './wasm-kernels.js';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

setWasmPaths(`${import.meta.env?.BASE_URL ?? '/'}tfjs/`);
registerWasmGaps();

/** Whether the browser offers a WebGPU adapter (tfjs's setBackend can report success without one). */
export async function hasWebGpu(): Promise<boolean> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

async function trySet(name: BackendName): Promise<boolean> {
  if (name === 'webgpu' && !(await hasWebGpu())) return false;
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Activates `preferred` if it initialises, else the first of webgpu, webgl, wasm, cpu that does.
 * Returns the active backend's name.
 */
export async function activateBackend(preferred?: BackendName): Promise<BackendName> {
  const order = preferred ? [preferred, ...BACKENDS.filter((b) => b !== preferred)] : [...BACKENDS];
  for (const name of order) if (await trySet(name)) return name;
  throw new Error('no tfjs backend could be initialised');
}
