import { xentVitestProject } from '@xent/vitest-config';

export default xentVitestProject({ name: 'create-xent-plugin' });
