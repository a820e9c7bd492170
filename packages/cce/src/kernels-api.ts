// What a fused CCE backend implements: the kernel names, their attributes, and its size limits.

/** Kernel names the fused backends register (`@xent/cce/cpu`: cpu, `@xent/cce/webgpu`: webgpu). */
export const CCE_FORWARD = 'XentCceForward';
export const CCE_BACKWARD_EMBEDDINGS = 'XentCceBackwardEmbeddings';
export const CCE_BACKWARD_CLASSIFIER = 'XentCceBackwardClassifier';

/**
 * Attributes of the fused kernels. Inputs: `embeddings [N, D]`, `classifier [V, D]`, `targets [N]` int32
 * (ids outside `[0, V)` select no logit), optional `bias [V]`; the backward kernels also `lse [N]` and
 * `coef [N, 3]` (see `CceEngine`). Outputs: forward `[N, 4]` = (running max m, Σ exp(ẑ − m),
 * ẑ_y or 0, Σ ẑ); backward `[N, D]` (dE) and `[V, D]` (dC), or `[V, D + 1]` with the bias gradient last.
 */
export interface CceKernelAttrs {
  softcap: number;
  filterEps: number;
  needSum: boolean;
  vocabBlock: number;
  tokenBlock: number;
  [key: string]: number | boolean;
}

/** How many token rows and vocabulary rows one kernel call may take, for a given D. */
export interface FusedBackend {
  readonly maxRows: (d: number, hasBias: boolean) => { readonly tokens: number; readonly vocab: number };
}
