import { xentTsupConfig } from '@xent/tsup-config';

export default xentTsupConfig({ entry: ['src/index.ts', 'src/node.ts', 'src/cpu.ts', 'src/webgpu.ts'] });
