import { registry } from '@xent/core';
import { distLoss } from './dist-loss.js';
import { dkdLoss } from './dkd-loss.js';
import { dualHeadKdLoss } from './dual-head-kd-loss.js';
import { kdLoss } from './kd-loss.js';
import { pldLoss } from './pld-loss.js';

for (const loss of [kdLoss, dkdLoss, pldLoss, distLoss, dualHeadKdLoss]) registry.register(loss);
