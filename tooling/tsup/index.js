// Shared tsup preset: dual ESM + CJS with a declaration file for each format.
// Every entry is a file under src/; tfjs and workspace packages stay external.
// `splitting: true` puts code shared by several entries (e.g. `index` and `register`) into one chunk,
// so module state and the loss objects exist once per format, not once per entry.
import { defineConfig } from 'tsup';

/** @param {{ entry?: string[] | Record<string, string> }} [options] */
export function xentTsupConfig(options = {}) {
  return defineConfig({
    entry: options.entry ?? ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    splitting: true,
    external: [/^@tensorflow\//, /^@xent\//, 'vitest', 'webgpu'],
  });
}
