import * as tf from '@tensorflow/tfjs-core';
import {
  checkFinite,
  describeTensor,
  detached,
  type OptionSpec,
  permuteRows,
  plackettLuceChoices,
  rankRows,
  rowPositions,
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
 * an order or weights (constants of the gradient), so `tf.grad` with respect to them gives zeros, not an error.
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
  // Sorted on the host on cpu/wasm, on the device on webgl/webgpu (core's rankRows): same order.
  const order = rankRows(respectInputOrder ? tf.zeros(logits.shape) : labels, keep);
  const rankedKeep = permuteRows(keep, order);
  return { choices: plackettLuceChoices(permuteRows(logits, order), rankedKeep), rankedKeep };
}

/**
 * p-ListMLE's position weights `[N, K]` for ranked slots (real documents first, as
 * {@link listChoices} ranks them): λ_r = (2^{−r} − 2^{−n})/Σ_{q<n}(2^{−q} − 2^{−n}) for r < n, the
 * list's n real documents, else 0 (an all-zero row when n ≤ 1). Computed on the device from the mask,
 * a constant of the gradient (`labels` get a zero gradient through it).
 */
export function positionAwareWeights(keep: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const k = keep.shape[1]!;
  return detached(
    (m) => {
      const count = tf.sum(tf.cast(tf.greater(m, 0), 'float32'), -1, true);
      const rank = tf.reshape(tf.range(0, k, 1, 'float32'), [1, k]);
      const term = tf.where(
        tf.less(rank, count),
        tf.sub(tf.pow(2, tf.neg(rank)), tf.pow(2, tf.neg(count))),
        tf.zeros([keep.shape[0]!, k]),
      );
      const total = tf.sum(term, -1, true);
      return tf.where(tf.greater(total, 0), tf.div(term, tf.maximum(total, 1e-30)), tf.zerosLike(term));
    },
    keep,
    labels,
  );
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
 * (NDCGLoss2PP). The rankings are sorted on the host (cpu, wasm) or the device (webgl, webgpu); the
 * weights and pairs are constants of the gradient, which flows through the
 * score differences. No pair: 0.
 */
export function lambdaPairLoss(
  logits: tf.Tensor,
  labels: tf.Tensor,
  keep: tf.Tensor,
  settings: LambdaSettings,
) {
  const [n, k] = logits.shape as [number, number];
  // Both rankings are sorted on the host on cpu/wasm and on the device on webgl/webgpu (core's
  // rankRows); the positions, gains and weights below are tensor ops either way.
  const position = rowPositions(rankRows(logits, keep), n, k);
  const ideal = rankRows(labels, keep);
  const [pairWeights, pairMask] = tf.unstack(
    detached(
      (y, m, p) => pairWeightsAndMask(y, m, p, permuteRows(y, ideal), permuteRows(m, ideal), settings),
      labels,
      keep,
      position,
    ),
  ) as [tf.Tensor, tf.Tensor];
  const diffs = tf.sub(tf.expandDims(logits, 2), tf.expandDims(logits, 1));
  // −log σ(x) = softplus(−x)
  const pairLosses = tf.softplus(tf.mul(diffs, -settings.sigma));
  const total = tf.sum(tf.mul(pairLosses, pairWeights));
  const pairs = tf.sum(pairMask);
  const base = settings.reductionLog === 'binary' ? Math.LN2 : 1;
  // No pair: 0 (total is 0 then, and so is its gradient).
  return tf.div(total, tf.mul(tf.maximum(pairs, 1), base));
}

const log2 = (x: tf.Tensor) => tf.div(tf.log(x), Math.LN2);

/**
 * LambdaLoss's pair weights wᵢⱼ and the 0/1 mask of counted pairs, stacked `[2, N, K, K]`, from the
 * labels, the mask, each document's predicted position (int32) and the ideal ranking's labels and mask.
 */
function pairWeightsAndMask(
  y: tf.Tensor,
  m: tf.Tensor,
  position: tf.Tensor,
  idealLabels: tf.Tensor,
  idealKeep: tf.Tensor,
  settings: LambdaSettings,
): tf.Tensor {
  const k = y.shape[1]!;
  const top = Math.min(settings.k ?? k, k);
  const kept = tf.greater(m, 0);
  const slot = tf.reshape(tf.range(0, k, 1, 'float32'), [1, k]);
  // D(p) = log₂(p + 2); maxDCG@k of the ideal ranking (real documents only), at least 1e-10.
  const discount = (p: tf.Tensor) => log2(tf.add(p, 2));
  const gain2 = (v: tf.Tensor) => tf.sub(tf.pow(2, tf.relu(v)), 1);
  const idealTerms = tf.where(
    tf.logicalAnd(tf.greater(idealKeep, 0), tf.less(slot, top)),
    tf.div(gain2(idealLabels), discount(slot)),
    tf.zerosLike(idealLabels),
  );
  const maxDcg = tf.maximum(tf.sum(idealTerms, -1, true), 1e-10);
  const gain = tf.div(gain2(y), maxDcg);
  const p = tf.cast(position, 'float32');
  const valid = tf.logicalAnd(kept, tf.less(p, top));
  let mask = tf.logicalAnd(tf.expandDims(valid, 2), tf.expandDims(valid, 1));
  if (settings.scheme !== 'NDCGLoss1')
    mask = tf.logicalAnd(mask, tf.greater(tf.expandDims(y, 2), tf.expandDims(y, 1)));
  const pi = tf.expandDims(p, 2);
  const pj = tf.expandDims(p, 1);
  const gainGap = tf.abs(tf.sub(tf.expandDims(gain, 2), tf.expandDims(gain, 1)));
  const lambdaRank = () =>
    tf.mul(tf.abs(tf.sub(tf.reciprocal(discount(pi)), tf.reciprocal(discount(pj)))), gainGap);
  const ndcg2 = () => {
    // |1/log₂(δ+1) − 1/log₂(δ+2)| for δ = |pᵢ − pⱼ| > 0, and 0 at δ = 0.
    const delta = tf.abs(tf.sub(pi, pj));
    const safe = tf.maximum(delta, 1);
    const w = tf.abs(tf.sub(tf.reciprocal(log2(tf.add(safe, 1))), tf.reciprocal(log2(tf.add(safe, 2)))));
    return tf.mul(tf.where(tf.greater(delta, 0), w, tf.zerosLike(w)), gainGap);
  };
  const shape = [y.shape[0]!, k, k];
  let w: tf.Tensor;
  if (settings.scheme === 'NDCGLoss1') w = tf.broadcastTo(tf.expandDims(tf.div(gain, discount(p)), 2), shape);
  else if (settings.scheme === 'NDCGLoss2') w = ndcg2();
  else if (settings.scheme === 'LambdaRank') w = lambdaRank();
  else if (settings.scheme === 'NDCGLoss2PP') w = tf.add(tf.mul(ndcg2(), settings.mu), lambdaRank());
  else w = tf.ones(shape);
  const weights = tf.where(mask, tf.broadcastTo(w, shape), tf.zeros(shape));
  return tf.stack([weights, tf.cast(mask, 'float32')]);
}
