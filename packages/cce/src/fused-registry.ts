/**
 * The table of fused CCE kernels per backend: kernel names, attributes, and which backends have them
 * registered. Shared by the engine and the kernel modules (`cpu-kernels`, `webgpu/kernels`).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Kernel names the fused backends register (`@xent/cce/cpu`: cpu, `@xent/cce/webgpu`: webgpu). */
export const CCE_FORWARD = 'XentCceForward';
export const CCE_BACKWARD_EMBEDDINGS = 'XentCceBackwardEmbeddings';
export const CCE_BACKWARD_CLASSIFIER = 'XentCceBackwardClassifier';

/**
 * Attributes of the fused kernels. Inputs: `embeddings [N, D]`, `classifier [V, D]`, `targets [N]` int32
 * (ids outside `[0, V)` select no logit), optional `bias [V]`; the backward kernels also `lse [N]` and
 * `coef [N, 3]` (see {@link CceEngine}). Outputs: forward `[N, 4]` = (running max m, Σ exp(ẑ − m),
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

// Shared through globalThis (like tfjs's own kernel registry): the `cpu`/`webgpu` entries, the main
// entry, and an ESM and a CJS copy of this package loaded in one process all see one table.
const STATE_KEY = Symbol.for('@xent/cce/fused-backends@1');

function fusedBackends(): Map<string, FusedBackend> {
  const holder = globalThis as unknown as Record<symbol, Map<string, FusedBackend> | undefined>;
  holder[STATE_KEY] ??= new Map();
  return holder[STATE_KEY]!;
}

/**
 * Registers `config` with tfjs unless a kernel of that name is already registered for its backend
 * (a second import of an entry, or the other module format of this package): registration is
 * idempotent and tfjs prints no "already registered" warning.
 */
export function registerKernelOnce(config: tf.KernelConfig): void {
  if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
}

/**
 * Declares that `backendName` has the three CCE kernels registered (the entry points do this) and how
 * large one call may be. Returns the previous declaration.
 */
export function registerFusedBackend(backendName: string, backend: FusedBackend): FusedBackend | undefined {
  const previous = fusedBackends().get(backendName);
  fusedBackends().set(backendName, backend);
  return previous;
}

/** The declaration for `backendName`, when its kernels are registered with tfjs. */
export function fusedBackendOf(backendName: string): FusedBackend | undefined {
  const backend = fusedBackends().get(backendName);
  return backend && tf.getKernel(CCE_FORWARD, backendName) ? backend : undefined;
}
