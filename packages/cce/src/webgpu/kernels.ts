import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  CCE_BACKWARD_CLASSIFIER,
  CCE_BACKWARD_EMBEDDINGS,
  CCE_FORWARD,
  type CceKernelAttrs,
  registerFusedBackend,
} from '../fused-engine.js';
import {
  backwardClassifierShader,
  backwardEmbeddingsShader,
  COLUMNS_PER_WORKGROUP,
  combineShader,
  forwardShader,
  TILE,
} from './shaders.js';

/** The device limits the kernels respect (read from the device; overridable for tests). */
export interface CceWebGpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
}

let limitsOverride: Partial<CceWebGpuLimits> | undefined;

/**
 * Pretends the device has smaller limits (tests use this to exercise tiling); `undefined` restores
 * the device's own.
 */
export function setCceWebGpuLimits(limits: Partial<CceWebGpuLimits> | undefined): void {
  limitsOverride = limits;
}

function limitsOf(backend: WebGPUBackend): CceWebGpuLimits {
  const device = backend.device.limits;
  return {
    maxStorageBufferBindingSize:
      limitsOverride?.maxStorageBufferBindingSize ??
      Math.min(device.maxStorageBufferBindingSize, device.maxBufferSize),
    maxComputeWorkgroupsPerDimension:
      limitsOverride?.maxComputeWorkgroupsPerDimension ?? device.maxComputeWorkgroupsPerDimension,
  };
}

const UNIFORMS = 'N : i32, D : i32, V : i32, S : i32, tilesPerSplit : i32, softcap : f32, filterEps : f32,';

class CceProgram implements WebGPUProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms = UNIFORMS;
  private readonly code: string;

  constructor(
    key: string,
    code: string,
    variableNames: string[],
    size: number,
    dispatch: [number, number, number],
    workgroupSize: [number, number, number] = [16, 16, 1],
  ) {
    this.shaderKey = `xentCce_${key}`;
    this.code = code;
    this.variableNames = variableNames;
    this.outputShape = [size];
    this.dispatch = dispatch;
    this.workgroupSize = workgroupSize;
  }

  getUserCode(): string {
    return this.code;
  }
}

interface Call {
  readonly backend: WebGPUBackend;
  readonly inputs: Record<string, tf.TensorInfo>;
  readonly attrs: CceKernelAttrs;
  readonly n: number;
  readonly d: number;
  readonly v: number;
  readonly hasBias: boolean;
}

function callOf(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): Call {
  const inputs = args.inputs as Record<string, tf.TensorInfo>;
  const [n, d] = inputs.embeddings!.shape as [number, number];
  return {
    backend: args.backend as WebGPUBackend,
    inputs,
    attrs: args.attrs as CceKernelAttrs,
    n,
    d,
    v: inputs.classifier!.shape[0]!,
    hasBias: inputs.bias !== undefined,
  };
}

function uniformsOf(call: Call, s: number, tilesPerSplit: number) {
  return [
    { type: 'int32', data: [call.n] },
    { type: 'int32', data: [call.d] },
    { type: 'int32', data: [call.v] },
    { type: 'int32', data: [s] },
    { type: 'int32', data: [tilesPerSplit] },
    { type: 'float32', data: [call.attrs.softcap] },
    { type: 'float32', data: [call.attrs.filterEps] },
  ];
}

const reshaped = (info: tf.TensorInfo, shape: number[]): tf.TensorInfo => ({ ...info, shape });

/** Forward: split-V partials, then the combine pass. Output `[N, 4]`. */
function forward(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): tf.TensorInfo {
  const call = callOf(args);
  const { backend, inputs, n, v, hasBias } = call;
  const limits = limitsOf(backend);
  const tokenTiles = Math.ceil(n / TILE);
  const vocabTiles = Math.ceil(v / TILE);
  // Enough workgroups to fill a large GPU, within the dispatch and partial-buffer limits.
  const splits = Math.max(
    1,
    Math.min(
      vocabTiles,
      Math.ceil(2048 / tokenTiles),
      limits.maxComputeWorkgroupsPerDimension,
      Math.floor(limits.maxStorageBufferBindingSize / (16 * n)),
    ),
  );
  const tilesPerSplit = Math.ceil(vocabTiles / splits);
  const names = ['E', 'C', 'Y', ...(hasBias ? ['B'] : [])];
  const tensors = [
    inputs.embeddings!,
    inputs.classifier!,
    inputs.targets!,
    ...(hasBias ? [inputs.bias!] : []),
  ];
  const partial = backend.runWebGPUProgram(
    new CceProgram(`fwd_${hasBias}`, forwardShader(hasBias), names, n * splits * 4, [tokenTiles, splits, 1]),
    tensors,
    'float32',
    uniformsOf(call, splits, tilesPerSplit) as never,
  );
  const combined = backend.runWebGPUProgram(
    new CceProgram('combine', combineShader, ['P'], n * 4, [Math.ceil(n / 64), 1, 1], [64, 1, 1]),
    [partial],
    'float32',
    uniformsOf(call, splits, tilesPerSplit) as never,
  );
  backend.disposeData(partial.dataId);
  return reshaped(combined, [n, 4]);
}

function backwardKernel(wrt: 'e' | 'c'): tf.KernelFunc {
  return (args) => {
    const call = callOf(args);
    const { backend, inputs, n, d, v, hasBias } = call;
    const names = ['E', 'C', 'Y', 'L', 'K', ...(hasBias ? ['B'] : [])];
    const tensors = [
      inputs.embeddings!,
      inputs.classifier!,
      inputs.targets!,
      inputs.lse!,
      inputs.coef!,
      ...(hasBias ? [inputs.bias!] : []),
    ];
    const cols = wrt === 'c' && hasBias ? d + 1 : d;
    const rows = wrt === 'e' ? n : v;
    const program =
      wrt === 'e'
        ? new CceProgram(`dE_${hasBias}`, backwardEmbeddingsShader(hasBias), names, n * d, [
            Math.ceil(n / TILE),
            Math.ceil(d / COLUMNS_PER_WORKGROUP),
            1,
          ])
        : new CceProgram(`dC_${hasBias}`, backwardClassifierShader(hasBias), names, v * cols, [
            Math.ceil(v / TILE),
            Math.ceil(cols / COLUMNS_PER_WORKGROUP),
            1,
          ]);
    const out = backend.runWebGPUProgram(program, tensors, 'float32', uniformsOf(call, 1, 1) as never);
    return reshaped(out, [rows, cols]);
  };
}

/**
 * Registers the fused CCE kernels for tfjs's `webgpu` backend. Calls larger than the device's
 * `maxStorageBufferBindingSize` or `maxComputeWorkgroupsPerDimension` are split by the tiled driver
 * into several kernel calls; nothing is silently truncated.
 */
export function registerCceWebGpuKernels(): void {
  const backendName = 'webgpu';
  tf.registerKernel({ kernelName: CCE_FORWARD, backendName, kernelFunc: forward });
  tf.registerKernel({ kernelName: CCE_BACKWARD_EMBEDDINGS, backendName, kernelFunc: backwardKernel('e') });
  tf.registerKernel({ kernelName: CCE_BACKWARD_CLASSIFIER, backendName, kernelFunc: backwardKernel('c') });
  registerFusedBackend(backendName, {
    maxRows: (d, hasBias) => {
      const limits = limitsOf(tf.backend() as WebGPUBackend);
      const rowBytes = 4 * Math.max(d + (hasBias ? 1 : 0), 4);
      const maxRows = Math.floor(limits.maxStorageBufferBindingSize / rowBytes);
      const maxTiles = limits.maxComputeWorkgroupsPerDimension * TILE;
      return { tokens: Math.min(maxRows, maxTiles), vocab: Math.min(maxRows, maxTiles) };
    },
  });
}
