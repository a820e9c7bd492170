import { defaultClientConditions, defineConfig } from 'vite';

// Workspace packages resolve to their TypeScript sources through the `@xent/source` export condition,
// so the playground needs no package build.
export default defineConfig({
  resolve: {
    conditions: ['@xent/source', ...defaultClientConditions],
    dedupe: ['@tensorflow/tfjs-core'],
  },
  server: { host: '127.0.0.1' },
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
