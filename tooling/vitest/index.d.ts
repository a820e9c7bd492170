import type { UserWorkspaceConfig } from 'vitest/config';
export declare function xentVitestProject(options: {
  name: string;
  testTimeout?: number;
}): UserWorkspaceConfig;
