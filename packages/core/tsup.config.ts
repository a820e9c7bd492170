import { xentTsupConfig } from '@xent/tsup-config';

export default xentTsupConfig();
