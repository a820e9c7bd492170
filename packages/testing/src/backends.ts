import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';

/** Backends the kit knows how to start in Node and in browsers. */
export type BackendName = 'cpu' | 'wasm' | 'webgpu' | 'webgl';

const SWIFTSHADER_ICDS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];

async function provideNodeWebGpu(): Promise<boolean> {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav?.gpu) return true;
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    const icd = SWIFTSHADER_ICDS.find((path) => existsSync(path));
    if (icd) process.env.VK_ICD_FILENAMES = icd;
  }
  try {
    const webgpu = (await import('webgpu')) as unknown as {
      create: (flags: string[]) => unknown;
      globals: Record<string, unknown>;
    };
    Object.assign(globalThis, webgpu.globals);
    Object.defineProperty(globalThis, 'navigator', {
      value: { ...(nav ?? {}), gpu: webgpu.create([]) },
      configurable: true,
      writable: true,
    });
    return true;
  } catch {
    return false;
  }
}

const started = new Map<BackendName, Promise<boolean>>();

async function start(name: BackendName): Promise<boolean> {
  try {
    if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    if (name === 'webgl') {
      if (typeof document === 'undefined') return false;
      await import('@tensorflow/tfjs-backend-webgl');
    }
    if (name === 'webgpu') {
      if (!(await provideNodeWebGpu())) return false;
      const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator
        ?.gpu;
      if (!gpu || !(await gpu.requestAdapter())) return false;
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    if (!tf.findBackendFactory(name)) return false;
    const ok = await tf.setBackend(name);
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Makes `name` the active tfjs backend, loading it first (in Node, WebGPU comes from the `webgpu`
 * package on a Vulkan driver; SwiftShader's from Debian's chromium is found by itself). Resolves to
 * `false`, without throwing, when the backend cannot run here. `XENT_BACKENDS=cpu,wasm` limits which
 * backends may start.
 */
export async function useBackend(name: BackendName): Promise<boolean> {
  const allowed = typeof process !== 'undefined' ? process.env.XENT_BACKENDS : undefined;
  if (
    allowed &&
    !allowed
      .split(',')
      .map((s) => s.trim())
      .includes(name)
  )
    return false;
  if (!started.has(name)) started.set(name, start(name));
  if (!(await started.get(name)!)) return false;
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
  return tf.getBackend() === name;
}
