import { type AnyLossFn, type AnyLossSpec, defineLoss, type LossFamily } from './define-loss.js';
import { XentError } from './errors.js';

interface RegistryState {
  readonly losses: Map<string, AnyLossFn>;
}

// Shared through globalThis (like tfjs's kernel registry) so two copies of @xent/core agree.
const STATE_KEY = Symbol.for('@xent/core/registry@1');

function state(): RegistryState {
  const holder = globalThis as unknown as Record<symbol, RegistryState | undefined>;
  holder[STATE_KEY] ??= { losses: new Map() };
  return holder[STATE_KEY]!;
}

function isLossFn(value: unknown): value is AnyLossFn {
  return typeof value === 'function' && 'spec' in value;
}

/**
 * Whether two loss objects are copies of one loss: the ESM and the CJS build of a package loaded in one
 * process, or two bundles of it, each build their own function object from the same spec.
 */
function sameLoss(a: AnyLossFn, b: AnyLossFn): boolean {
  if (a === b || a.spec === b.spec) return true;
  const x = a.spec;
  const y = b.spec;
  return (
    x.id === y.id &&
    x.name === y.name &&
    x.family === y.family &&
    x.summary === y.summary &&
    x.reference?.url === y.reference?.url &&
    JSON.stringify(x.inputs) === JSON.stringify(y.inputs) &&
    JSON.stringify(x.defaults) === JSON.stringify(y.defaults)
  );
}

function nearMatches(id: string, ids: readonly string[]): string[] {
  const needle = id.toLowerCase().split('/').pop() ?? id;
  return ids.filter((candidate) => candidate.toLowerCase().includes(needle.slice(0, 4)));
}

/** The loss registry: explicit registration (each package's `./register` entry), lookup by id. */
export const registry = {
  /**
   * Registers a loss (a function from {@link defineLoss}, or a spec, which is defined first) and returns
   * the registered function. Registering the same loss again is a no-op that returns the one registered
   * first — also when it is another copy of it (the ESM and the CJS build of one package, same id,
   * name, summary, inputs and defaults). A different loss under a taken id throws `DUPLICATE_LOSS`
   * unless `replace` is set.
   */
  register(loss: AnyLossFn | AnyLossSpec, options: { readonly replace?: boolean } = {}): AnyLossFn {
    const fn = isLossFn(loss) ? loss : (defineLoss(loss as never) as unknown as AnyLossFn);
    const existing = state().losses.get(fn.spec.id);
    if (existing && !options.replace && sameLoss(existing, fn)) return existing;
    if (existing && !options.replace) {
      throw new XentError('DUPLICATE_LOSS', {
        fn: 'registry.register',
        argument: 'loss',
        expected: `an id not registered yet (or { replace: true })`,
        received: `'${fn.spec.id}', already registered`,
      });
    }
    state().losses.set(fn.spec.id, fn);
    return fn;
  },
  /** The loss registered under `id`; `UNKNOWN_LOSS` (with near matches) when there is none. */
  get(id: string): AnyLossFn {
    const fn = state().losses.get(id);
    if (fn) return fn;
    const ids = [...state().losses.keys()];
    const near = nearMatches(id, ids);
    throw new XentError(
      'UNKNOWN_LOSS',
      { fn: 'registry.get', argument: 'id', expected: 'a registered loss id', received: `'${id}'` },
      near.length > 0
        ? `did you mean ${near.map((n) => `'${n}'`).join(', ')}?`
        : `${ids.length} losses registered`,
    );
  },
  /** Whether a loss is registered under `id`. */
  has(id: string): boolean {
    return state().losses.has(id);
  },
  /** Registered losses, optionally of one family, in registration order. */
  list(filter: { readonly family?: LossFamily } = {}): readonly AnyLossFn[] {
    const all = [...state().losses.values()];
    return filter.family === undefined ? all : all.filter((fn) => fn.spec.family === filter.family);
  },
  /** Removes a loss (for tests and hot reload). */
  unregister(id: string): boolean {
    return state().losses.delete(id);
  },
};
