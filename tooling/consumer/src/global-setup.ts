import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { BROWSER_FIXTURES, NODE_FIXTURES, TYPES_FIXTURES } from './paths.js';
import { consumerProject, TFJS } from './projects.js';
import { type Staged, stage } from './stage.js';

declare module 'vitest' {
  export interface ProvidedContext {
    staged: Staged;
    /** One project with every package installed, for the TypeScript, bundle-size and browser tests. */
    allPackages: string;
  }
}

let staged: Staged | undefined;

/** Packs every package once per run, as a release would, for all consumer tests. */
export function setup(project: TestProject): void {
  staged = stage();
  project.provide('staged', staged);
  project.provide(
    'allPackages',
    consumerProject(
      staged,
      'all',
      Object.keys(staged.tarballs).filter((name) => name.startsWith('@xent/')),
      [
        `@tensorflow/tfjs@${TFJS}`,
        `@tensorflow/tfjs-backend-wasm@${TFJS}`,
        `@tensorflow/tfjs-backend-webgpu@${TFJS}`,
      ],
      [NODE_FIXTURES, TYPES_FIXTURES, BROWSER_FIXTURES],
    ),
  );
}

export function teardown(): void {
  if (staged && !process.env.XENT_KEEP_CONSUMER) rmSync(staged.dir, { recursive: true, force: true });
}
