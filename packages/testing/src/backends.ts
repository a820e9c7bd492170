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

/** The npm package each backend comes from. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

function isMissingModule(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)|Failed to (load|resolve)/i.test(message)
  );
}

async function load(name: BackendName): Promise<string | undefined> {
  if (tf.findBackendFactory(name)) return undefined;
  const pkg = BACKEND_PACKAGES[name];
  try {
    if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
    if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    if (isMissingModule(error)) return `${pkg} is not installed (npm install -D ${pkg})`;
    return `${pkg} failed to load: ${error instanceof Error ? error.message : String(error)}`;
  }
  return tf.findBackendFactory(name) ? undefined : `${pkg} did not register the '${name}' backend`;
}

/** Why `name` cannot start here (`undefined`: it started). */
async function start(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'webgl' && typeof document === 'undefined')
      return 'webgl needs a browser (no document here)';
    if (name === 'webgpu') {
      if (!(await provideNodeWebGpu()))
        return 'no WebGPU here (in Node: npm install -D webgpu, and a Vulkan driver such as SwiftShader)';
      const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator
        ?.gpu;
      if (!gpu || !(await gpu.requestAdapter())) return 'no WebGPU adapter found';
    }
    const missing = await load(name);
    if (missing) return missing;
    const ok = await tf.setBackend(name);
    return ok && tf.getBackend() === name ? undefined : `tf.setBackend('${name}') failed`;
  } catch (error) {
    return `${name} failed to start: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const started = new Map<BackendName, Promise<string | undefined>>();

function excludedBy(name: BackendName): string | undefined {
  const allowed = typeof process !== 'undefined' ? process.env.XENT_BACKENDS : undefined;
  if (!allowed) return undefined;
  const names = allowed.split(',').map((s) => s.trim());
  return names.includes(name) ? undefined : `excluded by XENT_BACKENDS=${allowed}`;
}

/**
 * Why `name` cannot run here, or `undefined` when it can (it is then started, not made active): the
 * package to install, a missing device, or `XENT_BACKENDS` leaving it out.
 */
export async function backendUnavailableReason(name: BackendName): Promise<string | undefined> {
  const excluded = excludedBy(name);
  if (excluded) return excluded;
  const previous = tf.engine().backendName;
  if (!started.has(name)) started.set(name, start(name));
  const reason = await started.get(name)!;
  // Starting makes it active; the caller decides which backend runs.
  if (previous && tf.engine().backendName !== previous && tf.findBackend(previous))
    await tf.setBackend(previous);
  return reason;
}

/**
 * Whether `XENT_REQUIRE_BACKENDS` makes a missing `name` a failure rather than a skip: `1`/`true`/`all`
 * for every backend a suite asks for, or a list (`cpu,wasm`). Backends that `XENT_BACKENDS` leaves out
 * are skipped regardless.
 */
export function isBackendRequired(name: BackendName): boolean {
  const value = typeof process !== 'undefined' ? process.env.XENT_REQUIRE_BACKENDS?.trim() : undefined;
  if (!value || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true' || value === 'all') return true;
  return value
    .split(',')
    .map((s) => s.trim())
    .includes(name);
}

/**
 * Makes `name` the active tfjs backend, loading it first (in Node, WebGPU comes from the `webgpu`
 * package on a Vulkan driver; SwiftShader's from Debian's chromium is found by itself). Resolves to
 * `false`, without throwing, when the backend cannot run here ({@link backendUnavailableReason} says
 * why). `XENT_BACKENDS=cpu,wasm` limits which backends may start.
 */
export async function useBackend(name: BackendName): Promise<boolean> {
  if (await backendUnavailableReason(name)) return false;
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
  return tf.getBackend() === name;
}
