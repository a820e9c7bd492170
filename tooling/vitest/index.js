// Shared vitest preset: Node environment, workspace packages resolved to their sources through the
// `@xent/source` export condition (no build needed to test), at most two workers (CI has 2 cores).
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const setup = fileURLToPath(new URL('./setup.js', import.meta.url));

/** @param {{ name: string, testTimeout?: number }} options */
export function xentVitestProject(options) {
  return defineProject({
    resolve: { conditions: ['@xent/source', 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@xent/source', 'module', 'node', 'import', 'default'] } },
    test: {
      name: options.name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [setup],
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 120_000,
    },
  });
}
