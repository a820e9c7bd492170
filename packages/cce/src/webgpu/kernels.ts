import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { registerFusedBackend } from '../fused-engine.js';
import {
  CCE_BACKWARD_CLASSIFIER,
  CCE_BACKWARD_EMBEDDINGS,
  CCE_FORWARD,
  type CceKernelAttrs,
} from '../kernels-api.js';
import { registerKernelOnce } from '../register-kernel.js';
import {
  backwardClassifierShader,
  backwardEmbeddingsShader,
  columnsPerThread,
  combineShader,
  forwardShader,
  sumSplitsShader,
  tileFor,
} from './shaders.js';

/** The device limits the kernels respect (read from the device; overridable for tests). */
export interface CceWebGpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  /** Picks the tile: 64 × 64 needs ≈ 25 KB of workgroup memory, else 32 × 32. */
  readonly maxComputeWorkgroupStorageSize: number;
}

let limitsOverride: Partial<CceWebGpuLimits> | undefined;

/**
 * Pretends the device has smaller limits (tests use this to exercise tiling); `undefined` restores
 * the device's own.
 */
export function setCceWebGpuLimits(limits: Partial<CceWebGpuLimits> | undefined): void {
  limitsOverride = limits;
}

/** The tile side the device's workgroup memory allows. */
function tileOf(backend: WebGPUBackend): 32 | 64 {
  return tileFor(limitsOf(backend).maxComputeWorkgroupStorageSize);
}

function limitsOf(backend: WebGPUBackend): CceWebGpuLimits {
  const device = backend.device.limits;
  return {
    maxStorageBufferBindingSize:
      limitsOverride?.maxStorageBufferBindingSize ??
      Math.min(device.maxStorageBufferBindingSize, device.maxBufferSize),
    maxComputeWorkgroupsPerDimension:
      limitsOverride?.maxComputeWorkgroupsPerDimension ?? device.maxComputeWorkgroupsPerDimension,
    maxComputeWorkgroupStorageSize:
      limitsOverride?.maxComputeWorkgroupStorageSize ?? device.maxComputeWorkgroupStorageSize,
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
  const tile = tileOf(backend);
  const tokenTiles = Math.ceil(n / tile);
  const vocabTiles = Math.ceil(v / tile);
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
    new CceProgram(`fwd_${tile}_${hasBias}`, forwardShader(tile, hasBias), names, n * splits * 4, [
      tokenTiles,
      splits,
      1,
    ]),
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

/**
 * dE: workgroups (token tile, column chunk, vocabulary split) write `[S, N, D]` partials, summed by a
 * second pass. S fills the GPU when there are few token tiles, within the dispatch and buffer limits and
 * without exceeding the size of dC (so memory stays that of the gradients).
 */
function backwardEmbeddings(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: unknown;
}): tf.TensorInfo {
  const call = callOf(args);
  const { backend, n, d, v, hasBias } = call;
  const limits = limitsOf(backend);
  const tile = tileOf(backend);
  const tokenTiles = Math.ceil(n / tile);
  const perThread = columnsPerThread(d);
  const columnChunks = Math.ceil(d / (256 * perThread));
  const vocabTiles = Math.ceil(v / tile);
  const splits = Math.max(
    1,
    Math.min(
      vocabTiles,
      Math.ceil(1024 / (tokenTiles * columnChunks)),
      limits.maxComputeWorkgroupsPerDimension,
      Math.floor(limits.maxStorageBufferBindingSize / (4 * n * d)),
      Math.floor(v / n),
    ),
  );
  const tilesPerSplit = Math.ceil(vocabTiles / splits);
  const program = new CceProgram(
    `dE_${tile}_${hasBias}_${perThread}`,
    backwardEmbeddingsShader(tile, hasBias, perThread),
    backwardNames(hasBias),
    splits * n * d,
    [tokenTiles, columnChunks, splits],
  );
  const uniforms = uniformsOf(call, splits, tilesPerSplit) as never;
  const partial = backend.runWebGPUProgram(program, backwardInputs(call), 'float32', uniforms);
  if (splits === 1) return reshaped(partial, [n, d]);
  const summed = backend.runWebGPUProgram(
    new CceProgram('sumSplits', sumSplitsShader, ['P'], n * d, [Math.ceil((n * d) / 64), 1, 1], [64, 1, 1]),
    [partial],
    'float32',
    uniforms,
  );
  backend.disposeData(partial.dataId);
  return reshaped(summed, [n, d]);
}

/** dC (and the bias gradient as column D): workgroups (vocabulary tile, column chunk) over all tokens. */
function backwardClassifier(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: unknown;
}): tf.TensorInfo {
  const call = callOf(args);
  const { backend, d, v, hasBias } = call;
  const tile = tileOf(backend);
  const cols = hasBias ? d + 1 : d;
  const perThread = columnsPerThread(cols);
  const program = new CceProgram(
    `dC_${tile}_${hasBias}_${perThread}`,
    backwardClassifierShader(tile, hasBias, perThread),
    backwardNames(hasBias),
    v * cols,
    [Math.ceil(v / tile), Math.ceil(cols / (256 * perThread)), 1],
  );
  const out = backend.runWebGPUProgram(
    program,
    backwardInputs(call),
    'float32',
    uniformsOf(call, 1, 1) as never,
  );
  return reshaped(out, [v, cols]);
}

const backwardNames = (hasBias: boolean) => ['E', 'C', 'Y', 'L', 'K', ...(hasBias ? ['B'] : [])];

function backwardInputs({ inputs, hasBias }: Call): tf.TensorInfo[] {
  return [
    inputs.embeddings!,
    inputs.classifier!,
    inputs.targets!,
    inputs.lse!,
    inputs.coef!,
    ...(hasBias ? [inputs.bias!] : []),
  ];
}

/**
 * Registers the fused CCE kernels for tfjs's `webgpu` backend. Calls larger than the device's
 * `maxStorageBufferBindingSize` or `maxComputeWorkgroupsPerDimension` are split by the tiled driver
 * into several kernel calls; nothing is silently truncated.
 */
export function registerCceWebGpuKernels(): void {
  const backendName = 'webgpu';
  registerKernelOnce({ kernelName: CCE_FORWARD, backendName, kernelFunc: forward });
  registerKernelOnce({ kernelName: CCE_BACKWARD_EMBEDDINGS, backendName, kernelFunc: backwardEmbeddings });
  registerKernelOnce({ kernelName: CCE_BACKWARD_CLASSIFIER, backendName, kernelFunc: backwardClassifier });
  registerFusedBackend(backendName, {
    maxRows: (d, hasBias) => {
      const backend = tf.backend() as WebGPUBackend;
      const limits = limitsOf(backend);
      const rowBytes = 4 * Math.max(d + (hasBias ? 1 : 0), 4);
      const maxRows = Math.floor(limits.maxStorageBufferBindingSize / rowBytes);
      const maxTiles = limits.maxComputeWorkgroupsPerDimension * tileOf(backend);
      return { tokens: Math.min(maxRows, maxTiles), vocab: Math.min(maxRows, maxTiles) };
    },
  });
}
