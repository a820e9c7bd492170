import { xentVitestProject } from '@xent/vitest-config';

// The consumer matrix: packed tarballs in empty npm projects (Node) and in a bundled page (Chromium).
const project = xentVitestProject({ name: 'consumer', testTimeout: 300_000 });
project.test = { ...project.test, globalSetup: ['./src/global-setup.ts'], hookTimeout: 600_000 };
export default project;
