import { xentTsupConfig } from '@xent/tsup-config';

export default xentTsupConfig({ entry: ['src/index.ts', 'src/register.ts', 'src/layers.ts'] });
