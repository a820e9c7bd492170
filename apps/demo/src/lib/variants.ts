// Demo variants of registered losses: the same library function fed something the playground owns, listed
// as a loss of its own so that a comparison can put it next to the plain loss. Today one kind: the
// duplicate-aware variant of a retrieval loss that takes batch ids (`docIds` / `queryIds`, e.g. @xent/retrieval's
// `infoNceLoss`), fed the ids of the batch's documents (the training rows: a repeated doc has the same id)
// or of its queries' classes (every same-class doc of the batch is relevant, as in the evaluation).
import { type AnyLossFn, type AnyLossSpec, defineLoss, registry } from '@xent/core';

/** Ids of the batch's rows, filled by the run (see `Plan.batchIds`). */
export interface BatchIdOptions {
  /** Training-set row of each positive doc (equal for a duplicate doc). */
  readonly docRows?: readonly number[];
  /** Class of each query. */
  readonly queryClasses?: readonly number[];
}

/** The demo-owned option that picks which ids the variant passes on. */
export const BATCH_IDS_OPTION = 'batchIds';
const IDS_OPTIONS = ['docIds', 'queryIds'] as const;
const OWNED = ['docRows', 'queryClasses'] as const;

/** Whether a spec takes batch ids (both `docIds` and `queryIds` options). */
export function takesBatchIds(spec: Pick<AnyLossSpec, 'options'>): boolean {
  const options = (spec.options ?? {}) as Record<string, unknown>;
  return IDS_OPTIONS.every((name) => name in options);
}

const ID_SUFFIX = '-duplicate-aware';

/** Whether a spec is one of the demo's variants (badged "demo variant" rather than "example"). */
export const isVariant = (spec: Pick<AnyLossSpec, 'id'>) =>
  spec.id.startsWith('demo/') && spec.id.endsWith(ID_SUFFIX);

/** The name of the duplicate-aware variant of a loss. */
export const duplicateAwareName = (name: string) => `${name}DuplicateAware`;

/**
 * The duplicate-aware variant of `base` (a loss with `docIds`/`queryIds` options): the same inputs, options
 * and defaults, plus `batchIds` — `'docs'` passes `docIds` = the docs' training rows (only a repeated doc
 * is relevant to another query), `'classes'` passes `queryIds` = the queries' classes (every same-class doc
 * of the batch is). Per-example values come from `base` with `reduction: 'none'`, so reductions and weights
 * behave as the base loss's.
 */
export function duplicateAwareVariant(base: AnyLossFn): AnyLossFn {
  const { spec } = base;
  const baseOptions = Object.keys({ ...spec.defaults, ...(spec.options ?? {}) });
  return defineLoss({
    id: `demo/${spec.id.split('/').pop()}${ID_SUFFIX}`,
    name: duplicateAwareName(spec.name),
    family: spec.family,
    summary: `${spec.name} fed the batch's ids: duplicate docs (or same-class docs) are not negatives (demo variant).`,
    ...(spec.reference ? { reference: spec.reference } : {}),
    inputs: spec.inputs,
    defaults: { ...spec.defaults, [BATCH_IDS_OPTION]: 'docs' },
    options: {
      ...(spec.options ?? {}),
      [BATCH_IDS_OPTION]: {
        type: 'enum',
        values: ['docs', 'classes'],
        description: "ids passed on: the docs' rows (duplicates) or the queries' classes",
      },
      docRows: { type: 'other', description: 'training row of each doc (filled by the playground)' },
      queryClasses: { type: 'other', description: 'class of each query (filled by the playground)' },
    },
    perExample: (inputs: Record<string, unknown>, options: Record<string, unknown>) => {
      const passed: Record<string, unknown> = { reduction: 'none', validate: options.validate };
      for (const key of baseOptions) if (options[key] !== undefined) passed[key] = options[key];
      for (const key of OWNED) delete passed[key];
      delete passed[BATCH_IDS_OPTION];
      const ids = options[BATCH_IDS_OPTION] === 'classes' ? options.queryClasses : options.docRows;
      if (ids !== undefined) passed[options[BATCH_IDS_OPTION] === 'classes' ? 'queryIds' : 'docIds'] = ids;
      return base(...spec.inputs.map((input) => inputs[input.name]), passed);
    },
  } as never) as unknown as AnyLossFn;
}

/** Registers the duplicate-aware variant of every registered loss that takes batch ids. Returns them. */
export function registerVariants(): AnyLossFn[] {
  return registry
    .list()
    .filter((fn) => !fn.spec.id.startsWith('demo/') && takesBatchIds(fn.spec))
    .map((fn) => registry.register(duplicateAwareVariant(fn)));
}
