import type { CceEngine } from './engine.js';
import { CCE_FORWARD, type FusedBackend } from './kernels-api.js';
import * as tf from './tf.js';
import { tiledEngine } from './tiled-engine.js';

interface FusedEntry {
  readonly backend: FusedBackend;
  /** Built at registration: the tiling code ships with the kernel entries, not with every import. */
  readonly engine: CceEngine;
}

// Shared through globalThis (like tfjs's own kernel registry): the `cpu`/`webgpu` entries, the main
// entry, and an ESM and a CJS copy of this package loaded in one process all see one table.
const STATE_KEY = Symbol.for('@xent/cce/fused-backends@2');

function fusedBackends(): Map<string, FusedEntry> {
  const holder = globalThis as unknown as Record<symbol, Map<string, FusedEntry> | undefined>;
  holder[STATE_KEY] ??= new Map();
  return holder[STATE_KEY]!;
}

/**
 * Declares that `backendName` has the three CCE kernels registered (the entry points do this) and how
 * large one call may be. Returns the previous declaration.
 */
export function registerFusedBackend(backendName: string, backend: FusedBackend): FusedBackend | undefined {
  const previous = fusedBackends().get(backendName);
  fusedBackends().set(backendName, { backend, engine: tiledEngine(backend) });
  return previous?.backend;
}

/**
 * The fused engine for a backend, when its kernels are registered (by `@xent/cce/cpu`,
 * `@xent/cce/webgpu`, or, on Node, by the `node` build of the main entry on first use on `cpu`).
 */
export function fusedEngineFor(backendName: string): CceEngine | undefined {
  const entry = fusedBackends().get(backendName);
  if (!entry || !tf.getKernel(CCE_FORWARD, backendName)) return undefined;
  return entry.engine;
}
