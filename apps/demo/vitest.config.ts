import { xentVitestProject } from '@xent/vitest-config';

export default xentVitestProject({ name: 'demo', testTimeout: 120_000 });
