import { defineConfig } from 'vitest/config';

// One vitest run over every workspace project (each package's own vitest.config.ts).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tooling/*'],
    maxWorkers: 2,
    fileParallelism: true,
  },
});
