import type * as tf from '@tensorflow/tfjs-core';
import { registerFusedBackend } from './fused-engine.js';
import {
  CCE_BACKWARD_CLASSIFIER,
  CCE_BACKWARD_EMBEDDINGS,
  CCE_FORWARD,
  type CceKernelAttrs,
} from './kernels-api.js';
import { registerKernelOnce } from './register-kernel.js';

/** The slice of tfjs's cpu backend the kernels use. */
interface CpuBackend {
  readSync(dataId: unknown): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

const DEFAULT_TOKEN_BLOCK = 32;
const DEFAULT_VOCAB_BLOCK = 64;

interface Problem {
  readonly e: ArrayLike<number>;
  readonly c: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly bias: ArrayLike<number> | undefined;
  readonly n: number;
  readonly d: number;
  readonly v: number;
  readonly softcap: number;
  readonly tokenBlock: number;
  readonly vocabBlock: number;
}

function problemOf(inputs: tf.NamedTensorInfoMap, backend: CpuBackend, attrs: CceKernelAttrs): Problem {
  const { embeddings, classifier, targets, bias } = inputs as Record<string, tf.TensorInfo>;
  const [n, d] = embeddings!.shape as [number, number];
  return {
    e: backend.readSync(embeddings!.dataId),
    c: backend.readSync(classifier!.dataId),
    y: backend.readSync(targets!.dataId),
    bias: bias ? backend.readSync(bias.dataId) : undefined,
    n,
    d,
    v: classifier!.shape[0]!,
    softcap: attrs.softcap,
    tokenBlock: attrs.tokenBlock || DEFAULT_TOKEN_BLOCK,
    vocabBlock: attrs.vocabBlock || DEFAULT_VOCAB_BLOCK,
  };
}

/** Fills `out[(r − t0)·width + (v − v0)]` with the (soft-capped) logits of one tile. */
function tileLogits(p: Problem, t0: number, t1: number, v0: number, v1: number, out: Float64Array): void {
  const { e, c, d, bias, softcap } = p;
  const width = v1 - v0;
  for (let r = t0; r < t1; r++) {
    const eo = r * d;
    const row = (r - t0) * width;
    let v = v0;
    for (; v + 3 < v1; v += 4) {
      const c0 = v * d;
      const c1 = c0 + d;
      const c2 = c1 + d;
      const c3 = c2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < d; k++) {
        const x = e[eo + k]!;
        s0 += x * c[c0 + k]!;
        s1 += x * c[c1 + k]!;
        s2 += x * c[c2 + k]!;
        s3 += x * c[c3 + k]!;
      }
      out[row + v - v0] = s0;
      out[row + v - v0 + 1] = s1;
      out[row + v - v0 + 2] = s2;
      out[row + v - v0 + 3] = s3;
    }
    for (; v < v1; v++) {
      const co = v * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += e[eo + k]! * c[co + k]!;
      out[row + v - v0] = s;
    }
    for (let j = 0; j < width; j++) {
      let z = out[row + j]! + (bias ? bias[v0 + j]! : 0);
      if (softcap > 0) z = softcap * Math.tanh(z / softcap);
      out[row + j] = z;
    }
  }
}

function forward(p: Problem): Float32Array {
  const { n, v, y } = p;
  const out = new Float32Array(n * 4);
  const tile = new Float64Array(p.tokenBlock * p.vocabBlock);
  for (let t0 = 0; t0 < n; t0 += p.tokenBlock) {
    const t1 = Math.min(n, t0 + p.tokenBlock);
    const m = new Float64Array(t1 - t0).fill(Number.NEGATIVE_INFINITY);
    const s = new Float64Array(t1 - t0);
    const zy = new Float64Array(t1 - t0);
    const sum = new Float64Array(t1 - t0);
    for (let v0 = 0; v0 < v; v0 += p.vocabBlock) {
      const v1 = Math.min(v, v0 + p.vocabBlock);
      const width = v1 - v0;
      tileLogits(p, t0, t1, v0, v1, tile);
      for (let r = 0; r < t1 - t0; r++) {
        let tileMax = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < width; j++) tileMax = Math.max(tileMax, tile[r * width + j]!);
        let tileSum = 0;
        let logitSum = 0;
        for (let j = 0; j < width; j++) {
          const z = tile[r * width + j]!;
          tileSum += Math.exp(z - tileMax);
          logitSum += z;
        }
        const mm = Math.max(m[r]!, tileMax);
        s[r] = s[r]! * Math.exp(m[r]! - mm) + tileSum * Math.exp(tileMax - mm);
        m[r] = mm;
        sum[r] = sum[r]! + logitSum;
        const target = y[t0 + r]!;
        if (target >= v0 && target < v1) zy[r] = tile[r * width + target - v0]!;
      }
    }
    for (let r = 0; r < t1 - t0; r++) {
      const o = (t0 + r) * 4;
      out[o] = m[r]!;
      out[o + 1] = s[r]!;
      out[o + 2] = zy[r]!;
      out[o + 3] = sum[r]!;
    }
  }
  return out;
}

/**
 * Turns a logit tile into G (see CceEngine) in place; returns false when the tile is filtered out
 * (every active row's softmax below ε and no active target inside).
 */
function tileGradient(
  p: Problem,
  lse: ArrayLike<number>,
  coef: ArrayLike<number>,
  filterEps: number,
  t0: number,
  t1: number,
  v0: number,
  v1: number,
  tile: Float64Array,
): boolean {
  const width = v1 - v0;
  let keep = filterEps <= 0;
  for (let r = t0; r < t1; r++) {
    const a = coef[r * 3]!;
    const b = coef[r * 3 + 1]!;
    const cc = coef[r * 3 + 2]!;
    const active = a !== 0 || b !== 0 || cc !== 0;
    const target = p.y[r]!;
    if (active && target >= v0 && target < v1) keep = true;
    const row = (r - t0) * width;
    for (let j = 0; j < width; j++) {
      const z = tile[row + j]!;
      const prob = Math.exp(z - lse[r]!);
      if (active && prob >= filterEps) keep = true;
      let g = a * prob - cc - (v0 + j === target ? b : 0);
      if (p.softcap > 0) g *= 1 - (z / p.softcap) ** 2;
      tile[row + j] = g;
    }
  }
  return keep;
}

function backward(p: Problem, lse: ArrayLike<number>, coef: ArrayLike<number>, eps: number, wrt: 'e' | 'c') {
  const { n, v, d, e, c } = p;
  const cols = wrt === 'c' && p.bias ? d + 1 : d;
  const out = new Float32Array((wrt === 'e' ? n : v) * cols);
  const tile = new Float64Array(p.tokenBlock * p.vocabBlock);
  const acc = new Float64Array(d);
  for (let t0 = 0; t0 < n; t0 += p.tokenBlock) {
    const t1 = Math.min(n, t0 + p.tokenBlock);
    for (let v0 = 0; v0 < v; v0 += p.vocabBlock) {
      const v1 = Math.min(v, v0 + p.vocabBlock);
      const width = v1 - v0;
      tileLogits(p, t0, t1, v0, v1, tile);
      if (!tileGradient(p, lse, coef, eps, t0, t1, v0, v1, tile)) continue;
      // Row-major products: the float64 accumulator runs along a contiguous row of C (or E) instead of a
      // column with a stride of D floats (a cache miss per term at D = 4096); same terms, same order.
      if (wrt === 'e') {
        // dE[r, k] += Σ_v G[r, v]·C[v, k]
        for (let r = t0; r < t1; r++) {
          const row = (r - t0) * width;
          acc.fill(0);
          for (let j = 0; j < width; j++) {
            const g = tile[row + j]!;
            const co = (v0 + j) * d;
            for (let k = 0; k < d; k++) acc[k]! += g * c[co + k]!;
          }
          const oo = r * cols;
          for (let k = 0; k < d; k++) out[oo + k] = out[oo + k]! + acc[k]!;
        }
      } else {
        // dC[v, k] += Σ_r G[r, v]·E[r, k]; the bias gradient Σ_r G[r, v] in column d
        for (let j = 0; j < width; j++) {
          acc.fill(0);
          let bias = 0;
          for (let r = t0; r < t1; r++) {
            const g = tile[(r - t0) * width + j]!;
            const eo = r * d;
            for (let k = 0; k < d; k++) acc[k]! += g * e[eo + k]!;
            bias += g;
          }
          const oo = (v0 + j) * cols;
          for (let k = 0; k < d; k++) out[oo + k] = out[oo + k]! + acc[k]!;
          if (cols > d) out[oo + d] = out[oo + d]! + bias;
        }
      }
    }
  }
  return { values: out, shape: [wrt === 'e' ? n : v, cols] };
}

function backwardKernel(wrt: 'e' | 'c'): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const cpu = backend as unknown as CpuBackend;
    const a = attrs as unknown as CceKernelAttrs;
    const { lse, coef } = inputs as Record<string, tf.TensorInfo>;
    const { values, shape } = backward(
      problemOf(inputs, cpu, a),
      cpu.readSync(lse!.dataId),
      cpu.readSync(coef!.dataId),
      a.filterEps,
      wrt,
    );
    return cpu.makeTensorInfo(shape, 'float32', values);
  };
}

/** Registers the fused CCE kernels for tfjs's `cpu` backend (plain float64-accumulated loops). */
export function registerCceCpuKernels(): void {
  const backendName = 'cpu';
  registerKernelOnce({
    kernelName: CCE_FORWARD,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackend;
      const p = problemOf(inputs, cpu, attrs as unknown as CceKernelAttrs);
      return cpu.makeTensorInfo([p.n, 4], 'float32', forward(p));
    },
  });
  registerKernelOnce({ kernelName: CCE_BACKWARD_EMBEDDINGS, backendName, kernelFunc: backwardKernel('e') });
  registerKernelOnce({ kernelName: CCE_BACKWARD_CLASSIFIER, backendName, kernelFunc: backwardKernel('c') });
  registerFusedBackend(backendName, {
    maxRows: () => ({ tokens: Number.POSITIVE_INFINITY, vocab: Number.POSITIVE_INFINITY }),
  });
}
