import { registry } from '@xent/core';
import { distLoss } from './dist-loss.js';
import { dkdLoss } from './dkd-loss.js';
import { dualHeadKdLoss } from './dual-head-kd-loss.js';
import { jsdLoss } from './jsd-loss.js';
import { kdLoss } from './kd-loss.js';
import { pldLoss } from './pld-loss.js';
import { reverseKlLoss } from './reverse-kl-loss.js';
import { skewKlLoss } from './skew-kl-loss.js';
import { skewReverseKlLoss } from './skew-reverse-kl-loss.js';
import { sparseKdLoss } from './sparse-kd-loss.js';
import { tvdLoss } from './tvd-loss.js';

for (const loss of [
  kdLoss,
  dkdLoss,
  pldLoss,
  distLoss,
  dualHeadKdLoss,
  reverseKlLoss,
  jsdLoss,
  tvdLoss,
  skewKlLoss,
  skewReverseKlLoss,
  sparseKdLoss,
])
  registry.register(loss);
