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

/** How the browser would run a GPU backend: on real hardware, in software (SwiftShader), or not at all. */
export type GpuKind = 'hardware' | 'software' | 'none';

interface AdapterLike {
  readonly info?: {
    vendor?: string;
    architecture?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  readonly isFallbackAdapter?: boolean;
}

/** Whether the browser offers a WebGPU adapter (tfjs's setBackend can report success without one). */
export async function webGpuKind(): Promise<GpuKind> {
  const gpu = (
    globalThis.navigator as { gpu?: { requestAdapter(): Promise<AdapterLike | null> } } | undefined
  )?.gpu;
  if (!gpu) return 'none';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'none';
    const info = adapter.info ?? {};
    const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`;
    return adapter.isFallbackAdapter || info.isFallbackAdapter || /swiftshader/i.test(text)
      ? 'software'
      : 'hardware';
  } catch {
    return 'none';
  }
}

/** Whether WebGL is there and whether it renders in software (SwiftShader, llvmpipe). */
export function webGlKind(): GpuKind {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return 'none';
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(
      debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
    );
    return /swiftshader|llvmpipe|software/i.test(renderer) ? 'software' : 'hardware';
  } catch {
    return 'none';
  }
}

const offscreenCanvas = (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas;

/**
 * On webgpu, hide OffscreenCanvas so synchronous reads fail fast instead of going through a canvas copy:
 * core's `readSyncIfPossible` then skips data-dependent checks (as it does in Node) and no sync read
 * reaches the device. In Chromium on SwiftShader such a read lost the GPU device ("A valid external
 * Instance reference no longer exists") and every later call failed.
 */
function guardSyncReads(backend: string): void {
  const holder = globalThis as { OffscreenCanvas?: unknown };
  if (offscreenCanvas === undefined) return;
  holder.OffscreenCanvas = backend === 'webgpu' ? undefined : offscreenCanvas;
}

async function trySet(name: BackendName): Promise<boolean> {
  if (name === 'webgpu' && (await webGpuKind()) === 'none') return false;
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Activates `preferred` if it initialises. Without a preference: webgpu, then webgl, when they run on a
 * real GPU, then wasm, then cpu (a software GPU is slower than wasm). Returns the active backend's name.
 */
export async function activateBackend(preferred?: BackendName): Promise<BackendName> {
  let order: BackendName[];
  if (preferred) {
    order = [preferred, ...BACKENDS.filter((b) => b !== preferred)];
  } else {
    const gpu: BackendName[] = [];
    if ((await webGpuKind()) === 'hardware') gpu.push('webgpu');
    if (webGlKind() === 'hardware') gpu.push('webgl');
    order = [...gpu, 'wasm', 'cpu', 'webgpu', 'webgl'];
  }
  for (const name of order) {
    if (await trySet(name)) {
      guardSyncReads(name);
      return name;
    }
  }
  throw new Error('no tfjs backend could be initialised');
}
