// The playground's datasets: an MNIST subset served as static bytes (see scripts/prepare-data.ts) and a
// seeded 2-D spiral set for watching decision boundaries.
import { createRng, randomInt } from './rng.js';

/** Examples `x` row-major `[count, dim]` and class ids `y`. */
export interface Split {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly count: number;
}

export interface Dataset {
  readonly id: 'mnist' | 'spirals';
  readonly name: string;
  readonly dim: number;
  readonly numClasses: number;
  readonly train: Split;
  readonly test: Split;
  /** Hidden sizes of the shared model (the student for distillation). */
  readonly hidden: readonly number[];
  /** Hidden sizes of the distillation teacher. */
  readonly teacherHidden: readonly number[];
  /** Embedding size for metric learning and retrieval. */
  readonly embeddingDim: number;
  /** Whether the inputs are 2-D points (decision-boundary view). */
  readonly planar: boolean;
  /** Multi-label scenario: the labels each class carries (targets are rows of `table`, by class id). */
  readonly multiLabel?: MultiLabel;
}

/** Binary labels derived from the class: `table[c][l]` = 1 when class c carries label l. */
export interface MultiLabel {
  readonly names: readonly string[];
  readonly table: readonly (readonly number[])[];
}

/**
 * The multi-label task of a dataset with `numClasses` classes: a few attributes of the class, then one label
 * per class (so most labels of a row are easy negatives, the setting asymmetric losses are made for).
 * Digits (10 classes): "≥ 5", "even", "closed loop" (0 6 8 9), "prime" (2 3 5 7), then "is 0" … "is 9".
 */
export function multiLabelTask(numClasses: number): MultiLabel {
  const attributes: [string, (c: number) => boolean][] =
    numClasses === 10
      ? [
          ['≥ 5', (c) => c >= 5],
          ['even', (c) => c % 2 === 0],
          ['closed loop', (c) => [0, 6, 8, 9].includes(c)],
          ['prime', (c) => [2, 3, 5, 7].includes(c)],
        ]
      : [
          [`≥ ${Math.ceil(numClasses / 2)}`, (c) => c >= Math.ceil(numClasses / 2)],
          ['even', (c) => c % 2 === 0],
        ];
  const names = [
    ...attributes.map(([name]) => name),
    ...Array.from({ length: numClasses }, (_, c) => `is ${c}`),
  ];
  const table = Array.from({ length: numClasses }, (_, c) => [
    ...attributes.map(([, test]) => (test(c) ? 1 : 0)),
    ...Array.from({ length: numClasses }, (_, k) => (k === c ? 1 : 0)),
  ]);
  return { names, table };
}

/** Width of the model's output for classification-like tasks (labels under the multi-label scenario). */
export function outputWidth(dataset: Dataset): number {
  return dataset.multiLabel?.names.length ?? dataset.numClasses;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `could not load ${url} (HTTP ${response.status}); run \`pnpm --filter @xent/demo prepare-data\``,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function mnistSplit(base: string, split: 'train' | 'test', pixels: number): Promise<Split> {
  const [images, labels] = await Promise.all([
    fetchBytes(`${base}data/mnist-${split}-images.bin`),
    fetchBytes(`${base}data/mnist-${split}-labels.bin`),
  ]);
  const count = labels.length;
  if (images.length !== count * pixels)
    throw new Error(`mnist ${split}: ${images.length} bytes for ${count} labels`);
  const x = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) x[i] = images[i]! / 255;
  return { x, y: Int32Array.from(labels), count };
}

/** The MNIST subset written by `prepare-data` (6000 train, 1000 test by default). */
export async function loadMnist(base = import.meta.env?.BASE_URL ?? '/'): Promise<Dataset> {
  const response = await fetch(`${base}data/manifest.json`);
  if (!response.ok) throw new Error('MNIST assets missing; run `pnpm --filter @xent/demo prepare-data`');
  const manifest = (await response.json()) as { pixels: number; classes: number };
  const [train, test] = await Promise.all([
    mnistSplit(base, 'train', manifest.pixels),
    mnistSplit(base, 'test', manifest.pixels),
  ]);
  return {
    id: 'mnist',
    name: 'MNIST',
    dim: manifest.pixels,
    numClasses: manifest.classes,
    train,
    test,
    hidden: [64],
    teacherHidden: [256],
    embeddingDim: 32,
    planar: false,
  };
}

function spiralSplit(count: number, classes: number, rng: () => number): Split {
  const x = new Float32Array(count * 2);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = randomInt(rng, classes);
    const r = 0.1 + 0.9 * rng();
    const angle = (label * 2 * Math.PI) / classes + r * 4.5 + (rng() - 0.5) * 0.7;
    x[i * 2] = r * Math.cos(angle);
    x[i * 2 + 1] = r * Math.sin(angle);
    y[i] = label;
  }
  return { x, y, count };
}

/** Three interleaved spirals in [−1, 1]², seeded. */
export function spirals(seed = 7, classes = 3): Dataset {
  const rng = createRng(seed);
  return {
    id: 'spirals',
    name: '2-D spirals',
    dim: 2,
    numClasses: classes,
    train: spiralSplit(1200, classes, rng),
    test: spiralSplit(400, classes, rng),
    hidden: [32, 32],
    teacherHidden: [64, 64],
    embeddingDim: 8,
    planar: true,
  };
}

/** Rows `indices` of a split as one `[k, dim]` array plus labels. */
export function gather(
  split: Split,
  dim: number,
  indices: ArrayLike<number>,
): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(indices.length * dim);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    x.set(split.x.subarray(row * dim, (row + 1) * dim), i * dim);
    y[i] = split.y[row]!;
  }
  return { x, y };
}

/** Per-class row lists of a split. */
export function byClass(split: Split, numClasses: number): number[][] {
  const lists: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < split.count; i++) lists[split.y[i]!]!.push(i);
  return lists;
}
