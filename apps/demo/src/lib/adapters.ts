// Per-family adapters: decide from a loss's declared inputs (names, dtypes, shapes) which tensor the
// playground feeds to each argument. A loss with an input no adapter can produce is listed as unsupported.
import type { AnyLossSpec, InputSpec } from '@xent/core';

export type Family = 'classification' | 'distillation' | 'metric' | 'retrieval';
export const FAMILIES: readonly Family[] = ['classification', 'distillation', 'metric', 'retrieval'];

/**
 * What the playground can feed:
 * - `logits` `[N, C]` model outputs, `features` `[N, H]` last hidden layer, `classifier` `[C, H]` head weight;
 * - `labels` int32 class ids `[N]`, `onehot` float32 `[N, C]`;
 * - `student`/`teacher` logits `[N, C]` (distillation), `auxiliary` `[N, C]` a second student head;
 *   `teacherTopIds` int32 / `teacherTopLogProbs` float32 `[N, K]`: the teacher's {@link TEACHER_TOP_K} most
 *   likely classes per row and their log-probabilities (a sparse teacher, as stored for offline distillation);
 * - `embeddings` `[N, D]`, `proxies` `[C, D]` (a trainable per-class matrix), `prototypes` `[C, D]`
 *   (per-class means of the batch embeddings) for metric learning; `groups` `[S, M, D]`: M embeddings
 *   of each of S distinct classes (GE2E-style);
 * - `queries`/`docs` `[N, D]` (doc i is a positive of query i), `scores` `[N, N]` = queries · docsᵀ,
 *   `cosineScores` `[N, N]` the same with L2-normalised queries and docs (for inputs described as cosine),
 *   `positives` int32 `[N]` = 0…N−1 (the positive doc of each query), `relevance` float32 `[N, N]`
 *   (1 where query and doc share a class);
 * - `pairFirst` / `pairSecond` `[N, D]` and `pairScores` float32 `[N]` (scored pairs, as CoSENT's `emb1`,
 *   `emb2`, `scores`): the queries, and the docs with every odd pair's doc swapped for the next pair's, so
 *   about half the pairs are unrelated; the gold score is 1 where the two share a class, else 0;
 * - `binaryLogits` / `binaryTargets` float32 `[N·C]`: the `[N, C]` logits and their one-hot (or, in the
 *   multi-label scenario, multi-hot) targets flattened, for binary losses (AnyLoss, binary CE, hinge…):
 *   C one-vs-rest problems per row;
 * - `modelInputs` float32 `[N, D]`: the model's own inputs, for losses that call the model themselves
 *   (adversarial comp-sum gets the model as its `model` option, see {@link Plan}).
 */
export type Role =
  | 'logits'
  | 'features'
  | 'classifier'
  | 'labels'
  | 'onehot'
  | 'student'
  | 'teacher'
  | 'teacherTopIds'
  | 'teacherTopLogProbs'
  | 'embeddings'
  | 'proxies'
  | 'prototypes'
  | 'groups'
  | 'auxiliary'
  | 'queries'
  | 'docs'
  | 'scores'
  | 'cosineScores'
  | 'positives'
  | 'relevance'
  | 'pairFirst'
  | 'pairSecond'
  | 'pairScores'
  | 'binaryLogits'
  | 'binaryTargets'
  | 'modelInputs';

/**
 * How a loss is fed: a role per input and, where its options need something the playground owns, which:
 * `model` (a function inputs → logits of the run's model), `perSample` (a per-example state `{ lambdas }`
 * over the training set with the batch's row `indices`, as ALDR-KL's), `rowsPerClass` (the name of the
 * option K when the class-weight input has C·K rows, as SoftTriple's and sub-center ArcFace's), `batchIds`
 * (the batch's doc rows and query classes, for the duplicate-aware variants of `variants.ts`).
 */
export type Plan =
  | {
      readonly supported: true;
      readonly roles: readonly Role[];
      readonly model?: true;
      readonly perSample?: true;
      readonly rowsPerClass?: string;
      readonly batchIds?: true;
    }
  | { readonly supported: false; readonly reason: string };

const has = (name: string, pattern: RegExp) => pattern.test(name.toLowerCase());

/** K of the sparse teacher (`teacherTopIds` / `teacherTopLogProbs`): its top 3 of the classes. */
export const TEACHER_TOP_K = 3;

/** A `[N, K]` input (K not the class count): a sparse teacher's top-k ids or log-probabilities. */
const topK = (input: InputSpec) => input.shape.length === 2 && input.shape[1] !== 'C';

function describeInput(input: InputSpec): string {
  return `'${input.name}' (${input.dtype} [${input.shape.join(', ')}])`;
}

function floatRole(family: Family, input: InputSpec, others: readonly InputSpec[]): Role | undefined {
  const name = input.name;
  if (input.shape.length === 3 && (family === 'metric' || family === 'retrieval') && has(name, /embed/)) {
    return 'groups';
  }
  const labelish = has(name, /label|target|relevan|mask/);
  if (input.shape.length === 1 && family === 'retrieval') {
    // Gold scores of scored pairs (CoSENT, AnglE, CosineSimilarity): one per (emb1, emb2) row.
    const paired = others.some((o) => has(o.name, /^emb_?1$/)) && others.some((o) => has(o.name, /^emb_?2$/));
    return paired && has(name, /score|label|sim/) ? 'pairScores' : undefined;
  }
  if (input.shape.length === 1 && family === 'classification') {
    if (labelish) return 'binaryTargets';
    if (has(name, /logit|score|pred|output/)) return 'binaryLogits';
    return undefined;
  }
  if (input.shape.length !== 2) return undefined;
  switch (family) {
    case 'classification':
      if (labelish) return 'onehot';
      if (has(name, /classifier|weight|^c$|^w$|vocab|unembed|head|proj/)) return 'classifier';
      if (has(name, /embed|hidden|feature|^e$|^h$|activation/)) {
        // Fused linear + CE when a classifier matrix comes with it; otherwise the features are the scores.
        return others.some((o) => has(o.name, /classifier|weight|^c$|^w$|vocab|unembed|head|proj/))
          ? 'features'
          : undefined;
      }
      if (has(name, /logit|score|pred|output|^x$|^y_?hat$/)) return 'logits';
      if (has(name, /^inputs?$/)) return 'modelInputs';
      return undefined;
    case 'distillation':
      if (has(name, /teacher/) && has(name, /prob/) && topK(input)) return 'teacherTopLogProbs';
      if (has(name, /teacher/)) return 'teacher';
      if (has(name, /aux/)) return 'auxiliary';
      if (has(name, /student|logit|pred/)) return 'student';
      if (labelish) return 'onehot';
      return undefined;
    case 'metric':
      if (has(name, /proto|centroid/)) return 'prototypes';
      if (has(name, /prox|center|class_?weight|weight/)) return 'proxies';
      if (has(name, /embed|feature|quer|^x$|output/)) return 'embeddings';
      return undefined;
    case 'retrieval':
      if (has(name, /^emb_?1$/)) return 'pairFirst';
      if (has(name, /^emb_?2$/)) return 'pairSecond';
      if (labelish) return 'relevance';
      if (has(name, /quer|anchor/)) return 'queries';
      if (has(name, /doc|passage|positive|key|candidate|target/)) return 'docs';
      // Specs that expect cosine scores (a fixed scale such as 1/τ = 20 assumes |s| ≤ 1) get them from
      // normalised embeddings; raw dot products of unnormalised embeddings would saturate them.
      if (has(name, /score|sim|logit/))
        return /cosine/i.test(input.description ?? '') ? 'cosineScores' : 'scores';
      if (has(name, /embed/)) return 'embeddings';
      return undefined;
  }
}

/** The integer option that counts class-weight rows per class (description "… per class …"). */
function rowsPerClassOption(spec: Partial<Pick<AnyLossSpec, 'options'>>): string | undefined {
  return Object.entries(spec.options ?? {}).find(
    ([, o]) => o.type === 'number' && o.integer && /per class/i.test(o.description),
  )?.[0];
}

/** Which role feeds each input of `spec`, in order, or why the playground cannot train it. */
export function planInputs(
  spec: Pick<AnyLossSpec, 'inputs' | 'family'> & Partial<Pick<AnyLossSpec, 'options'>>,
): Plan {
  const family = spec.family as Family;
  if (!FAMILIES.includes(family))
    return { supported: false, reason: `family '${spec.family}' has no adapter` };
  const roles: Role[] = [];
  for (const input of spec.inputs) {
    let role: Role | undefined;
    if (family === 'distillation' && input.dtype === 'int32' && has(input.name, /teacher/) && topK(input)) {
      role = 'teacherTopIds';
    } else if (
      input.dtype === 'labels' ||
      (input.dtype === 'int32' && has(input.name, /label|target|class|id/))
    ) {
      const scoreLike = spec.inputs.some((o) => o !== input && has(o.name, /score|sim/));
      role = family === 'retrieval' && scoreLike ? 'positives' : 'labels';
    } else if (input.dtype === 'float32') {
      role = floatRole(family, input, spec.inputs);
    }
    if (!role) {
      return { supported: false, reason: `the ${family} adapter cannot feed input ${describeInput(input)}` };
    }
    roles.push(role);
  }
  const need: Record<Family, readonly Role[][]> = {
    classification: [
      ['logits'],
      ['features', 'classifier'],
      ['binaryLogits', 'binaryTargets'],
      ['modelInputs'],
    ],
    distillation: [
      ['student', 'teacher'],
      ['student', 'teacherTopIds', 'teacherTopLogProbs'],
    ],
    metric: [['embeddings'], ['groups']],
    retrieval: [
      ['queries', 'docs'],
      ['scores'],
      ['cosineScores'],
      ['embeddings'],
      ['groups'],
      ['pairFirst', 'pairSecond', 'pairScores'],
    ],
  };
  if (!need[family].some((set) => set.every((r) => roles.includes(r)))) {
    return {
      supported: false,
      reason: `inputs ${spec.inputs.map((i) => `'${i.name}'`).join(', ')} do not match what the ${family} adapter trains`,
    };
  }
  // Options the playground fills itself: the model (for inputs it calls the model on), a per-example state
  // (an option `state` with `indices`), and K of a `[C·K, D]` class-weight input.
  const options = (spec.options ?? {}) as Readonly<Record<string, { type: string } | undefined>>;
  const perSample = options.state?.type === 'other' && options.indices?.type === 'other';
  const batchIds = options.docRows?.type === 'other' && options.queryClasses?.type === 'other';
  const proxyInput = spec.inputs.find((_, i) => roles[i] === 'proxies');
  const rowsPerClass = proxyInput && proxyInput.shape[0] !== 'C' ? rowsPerClassOption(spec) : undefined;
  return {
    supported: true,
    roles,
    ...(roles.includes('modelInputs') ? { model: true as const } : {}),
    ...(perSample ? { perSample: true as const } : {}),
    ...(rowsPerClass ? { rowsPerClass } : {}),
    ...(batchIds ? { batchIds: true as const } : {}),
  };
}
