import type * as tf from '@tensorflow/tfjs-core';

/** What every implementation needs besides the tensors (resolved from the public options). */
export interface CceSettings {
  /** Soft-cap s (0 = off). */
  readonly softcap: number;
  /** Gradient filter threshold on softmax values (0 = off; the caller turns it off under label smoothing). */
  readonly filterEps: number;
  /** Whether Σ_v ẑ_v is needed (label smoothing). */
  readonly needSum: boolean;
  readonly vocabBlock?: number | undefined;
  readonly tokenBlock?: number | undefined;
}

/** Per-row forward statistics, all `[N]` float32. */
export interface CceForward {
  /** log Σ_v exp(ẑ_nv). */
  readonly lse: tf.Tensor1D;
  /** ẑ_{n,y_n}; 0 where y_n is outside [0, V). */
  readonly targetLogit: tf.Tensor1D;
  /** Σ_v ẑ_nv (zeros when not needed). */
  readonly logitSum: tf.Tensor1D;
  /** Engine-private state the backward pass reads (saved with the inputs). */
  readonly aux?: tf.Tensor;
}

/** The gradients of one backward pass. */
export interface CceGradients {
  readonly dEmbeddings: tf.Tensor2D;
  readonly dClassifier: tf.Tensor2D;
  readonly dBias?: tf.Tensor1D;
}

/**
 * One way to compute CCE. With per-row coefficients `coef [N, 3] = (a, b, c)` the backward pass forms
 *
 *   G_nv = (a_n·p_nv − b_n·[v = y_n] − c_n) · (1 − (ẑ_nv/s)²),   p_nv = exp(ẑ_nv − LSE_n)
 *
 * (the softcap factor only with a softcap) and returns `dE = G·C`, `dC = Gᵀ·E`, `db = Σ_n G`.
 */
export interface CceEngine {
  forward(
    embeddings: tf.Tensor2D,
    classifier: tf.Tensor2D,
    targets: tf.Tensor1D,
    bias: tf.Tensor1D | undefined,
    settings: CceSettings,
  ): CceForward;
  backward(
    embeddings: tf.Tensor2D,
    classifier: tf.Tensor2D,
    targets: tf.Tensor1D,
    bias: tf.Tensor1D | undefined,
    lse: tf.Tensor1D,
    coef: tf.Tensor2D,
    aux: tf.Tensor | undefined,
    settings: CceSettings,
  ): CceGradients;
}
