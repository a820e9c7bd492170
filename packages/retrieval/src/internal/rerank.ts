import * as tf from '@tensorflow/tfjs-core';
import {
  checkFinite,
  descendingRowOrder,
  describeTensor,
  detached,
  type OptionSpec,
  permuteRows,
  plackettLuceChoices,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';
import { checkBinaryMask } from './mask.js';

/** The inputs of every reranker (cross-encoder) loss. */
export const rerankInputs = [
  {
    name: 'logits',
    dtype: 'float32',
    shape: ['N', 'K'],
    description: "the reranker's score of document k for query n",
  },
  {
    name: 'labels',
    dtype: 'float32',
    shape: ['N', 'K'],
    description: 'graded relevance of document k for query n (higher is more relevant; not differentiated)',
  },
] as const;

/** Options every list loss takes. */
export interface ListMaskOptions {
  /** 0/1 `[N, K]`: 1 for real documents of a ragged list. @defaultValue all real */
  readonly mask?: TensorInput;
}

/** Options of the Plackett–Luce list losses (ListMLE, p-ListMLE). */
export interface ListOrderOptions extends ListMaskOptions {
  /**
   * Take the documents' given order as the target ranking (ST's default: lists come best first);
   * `false` ranks them by label, descending (ties in input order). @defaultValue true
   */
  readonly respectInputOrder?: boolean;
}

/** Options of the pairwise list losses (RankNet, LambdaLoss). */
export interface PairwiseListOptions extends ListMaskOptions {
  /** Only pairs whose documents are both in the model's top k count (NDCG@k). @defaultValue all */
  readonly k?: number;
  /** Slope σ of the pair sigmoid. @defaultValue 1 */
  readonly sigma?: number;
  /** Logarithm of the pair loss: `'binary'` (log₂, ST's default) or `'natural'`. @defaultValue 'binary' */
  readonly reductionLog?: 'natural' | 'binary';
  /** Data checks (finite inputs, 0/1 mask). @defaultValue true */
  readonly validate?: boolean;
}

// Module-level option metadata is built from identifiers only (no spread, no property access): a
// bundler keeps any top-level expression it cannot prove pure, and with it every loss that uses it.

/** Option metadata of the ragged-list mask. */
export const listMaskOption = {
  type: 'other',
  description: '0/1 [N, K]: 1 for the real documents of each (ragged) list, 0 for padding',
} as const satisfies OptionSpec;

/** Option metadata of {@link ListOrderOptions}. */
export const listOrderOptions = {
  respectInputOrder: {
    type: 'boolean',
    description: 'the given order is the target ranking (else by label)',
  },
  mask: listMaskOption,
} as const satisfies Record<string, OptionSpec>;

/** Option metadata of {@link PairwiseListOptions}'s `k`, `sigma` and `reductionLog`. */
export const pairTopKOption = {
  type: 'number',
  min: 1,
  integer: true,
  description: 'pairs within the predicted top k only',
} as const satisfies OptionSpec;
export const pairSigmaOption = {
  type: 'number',
  min: 0,
  exclusiveMin: true,
  description: 'slope of the pair sigmoid',
} as const satisfies OptionSpec;
export const pairReductionLogOption = {
  type: 'enum',
  values: ['natural', 'binary'],
  description: 'log base of the pair loss',
} as const satisfies OptionSpec;

/** Option metadata of {@link PairwiseListOptions}. */
export const pairwiseListOptions = {
  k: pairTopKOption,
  sigma: pairSigmaOption,
  reductionLog: pairReductionLogOption,
  mask: listMaskOption,
} as const satisfies Record<string, OptionSpec>;

/** The 0/1 float `[N, K]` mask of real documents (all ones when `mask` is undefined). */
export function listMask(
  fn: string,
  mask: TensorInput | undefined,
  logits: tf.Tensor,
  validate: boolean,
): tf.Tensor {
  if (mask === undefined) return tf.ones(logits.shape);
  const tensor = toTensor(mask, fn, 'options.mask', 'float32');
  if (tensor.rank !== 2 || tensor.shape[0] !== logits.shape[0] || tensor.shape[1] !== logits.shape[1]) {
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument: 'options.mask',
      expected: `0/1 float32 [${logits.shape.join(', ')}] like logits`,
      received: describeTensor(tensor),
    });
  }
  if (validate) {
    checkFinite(fn, 'options.mask', tensor);
    checkBinaryMask(fn, 'options.mask', tensor);
  }
  return tensor;
}

/**
 * `value` with `constants` joined to the gradient tape at zero gradient: for labels that only pick
 * an order or weights (read on the host), so `tf.grad` with respect to them gives zeros, not an error.
 */
export function zeroGradientFrom(value: tf.Tensor, ...constants: tf.Tensor[]): tf.Tensor {
  return tf.add(
    value,
    detached(() => tf.zeros(value.shape), ...constants),
  );
}

/**
 * Plackett–Luce choice losses `[N, K]` along each list's target ranking (ListMLE's terms), and which
 * ranked slots hold a real document. The ranking is the input order (`respectInputOrder`, ST's
 * default: the documents are given best first) or the labels, descending (ties in input order);
 * padding goes last either way.
 */
export function listChoices(
  logits: tf.Tensor,
  labels: tf.Tensor,
  keep: tf.Tensor,
  respectInputOrder: boolean,
): { choices: tf.Tensor; rankedKeep: tf.Tensor } {
  const [n, k] = logits.shape as [number, number];
  const kept = keep.dataSync();
  const keys = respectInputOrder ? new Float32Array(n * k) : labels.dataSync();
  const order = descendingRowOrder(keys, n, k, kept);
  const rankedKeep = permuteRows(keep, order);
  return { choices: plackettLuceChoices(permuteRows(logits, order), rankedKeep), rankedKeep };
}

/** LambdaLoss weighting schemes (sentence-transformers' class names without "Scheme"). */
export type WeightingScheme = 'NoWeighting' | 'NDCGLoss1' | 'NDCGLoss2' | 'LambdaRank' | 'NDCGLoss2PP';

/** Settings of {@link lambdaPairLoss}. */
export interface LambdaSettings {
  readonly scheme: WeightingScheme;
  readonly k: number | undefined;
  readonly sigma: number;
  readonly mu: number;
  readonly reductionLog: 'natural' | 'binary';
}

/**
 * The LambdaLoss framework (Wang et al. 2018) as sentence-transformers computes it: documents
 * ranked by the model (positions pᵢ, 0-based, padding last), gains Gᵢ = (2^{max(yᵢ,0)} − 1)/maxDCG@k,
 * discounts D(p) = log₂(p + 2), and over the pairs with yᵢ > yⱼ both in the predicted top k (every
 * pair of real documents for NDCGLoss1):
 *
 *   ℓ = −(1/#pairs) Σ wᵢⱼ · log_b σ(sigma·(sᵢ − sⱼ))
 *
 * with wᵢⱼ = 1 (NoWeighting: RankNet), Gᵢ/D(pᵢ) (NDCGLoss1), |1/log₂(δ+1) − 1/log₂(δ+2)|·|Gᵢ − Gⱼ|,
 * δ = |pᵢ − pⱼ| (NDCGLoss2), |1/D(pᵢ) − 1/D(pⱼ)|·|Gᵢ − Gⱼ| (LambdaRank), mu·NDCGLoss2 + LambdaRank
 * (NDCGLoss2PP). The weights and pairs are constants (host-side); the gradient flows through the
 * score differences. No pair: 0.
 */
export function lambdaPairLoss(
  logits: tf.Tensor,
  labels: tf.Tensor,
  keep: tf.Tensor,
  settings: LambdaSettings,
) {
  const [n, k] = logits.shape as [number, number];
  const s = logits.dataSync();
  const y = labels.dataSync();
  const kept = keep.dataSync();
  const predicted = descendingRowOrder(s, n, k, kept);
  const ideal = descendingRowOrder(y, n, k, kept);
  const top = Math.min(settings.k ?? k, k);
  const position = new Int32Array(n * k);
  for (let i = 0; i < predicted.length; i++) position[predicted[i]!] = i % k;
  const weights = new Float32Array(n * k * k);
  const discount = (p: number) => Math.log2(p + 2);
  const deltaWeight = (delta: number) =>
    delta === 0 ? 0 : Math.abs(1 / Math.log2(delta + 1) - 1 / Math.log2(delta + 2));
  let pairs = 0;
  for (let r = 0; r < n; r++) {
    const base = r * k;
    let maxDcg = 0;
    for (let p = 0; p < top; p++) {
      const index = ideal[base + p]!;
      if (kept[index]) maxDcg += (2 ** Math.max(y[index]!, 0) - 1) / discount(p);
    }
    maxDcg = Math.max(maxDcg, 1e-10);
    const gain = (i: number) => (2 ** Math.max(y[base + i]!, 0) - 1) / maxDcg;
    for (let i = 0; i < k; i++) {
      if (!kept[base + i] || position[base + i]! >= top) continue;
      for (let j = 0; j < k; j++) {
        if (!kept[base + j] || position[base + j]! >= top) continue;
        if (settings.scheme !== 'NDCGLoss1' && !(y[base + i]! > y[base + j]!)) continue;
        const pi = position[base + i]!;
        const pj = position[base + j]!;
        const gainGap = Math.abs(gain(i) - gain(j));
        const lambdaRank = () => Math.abs(1 / discount(pi) - 1 / discount(pj)) * gainGap;
        const ndcg2 = () => deltaWeight(Math.abs(pi - pj)) * gainGap;
        let w = 1;
        if (settings.scheme === 'NDCGLoss1') w = gain(i) / discount(pi);
        else if (settings.scheme === 'NDCGLoss2') w = ndcg2();
        else if (settings.scheme === 'LambdaRank') w = lambdaRank();
        else if (settings.scheme === 'NDCGLoss2PP') w = settings.mu * ndcg2() + lambdaRank();
        weights[(r * k + i) * k + j] = w;
        pairs++;
      }
    }
  }
  if (pairs === 0) return zeroGradientFrom(tf.mul(tf.sum(logits), 0), labels);
  const diffs = tf.sub(tf.expandDims(logits, 2), tf.expandDims(logits, 1));
  // −log σ(x) = softplus(−x)
  const pairLosses = tf.softplus(tf.mul(diffs, -settings.sigma));
  const pairWeights = detached(() => tf.tensor3d(weights, [n, k, k]), labels);
  const total = tf.sum(tf.mul(pairLosses, pairWeights));
  const base = settings.reductionLog === 'binary' ? Math.LN2 : 1;
  return tf.div(total, pairs * base);
}
