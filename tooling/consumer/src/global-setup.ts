import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { type Staged, stage } from './stage.js';

declare module 'vitest' {
  export interface ProvidedContext {
    staged: Staged;
  }
}

let staged: Staged | undefined;

/** Packs every package once per run, as a release would, for all consumer tests. */
export function setup(project: TestProject): void {
  staged = stage();
  project.provide('staged', staged);
}

export function teardown(): void {
  if (staged && !process.env.XENT_KEEP_CONSUMER) rmSync(staged.dir, { recursive: true, force: true });
}
