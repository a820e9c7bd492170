// The only module of @xent/losses with side effects: registers every loss with the @xent/core registry.
// One `registry.register(losses.<name>);` line per loss, sorted by name.
import { registry } from '@xent/core';
import * as losses from './index.js';

registry.register(losses.adversarialCompSumLoss);
registry.register(losses.aldrKlLoss);
registry.register(losses.compSumLoss);
registry.register(losses.crossEntropyLoss);
registry.register(losses.gceLoss);
registry.register(losses.ldrKlLoss);
registry.register(losses.maeLoss);
registry.register(losses.squentropyLoss);
registry.register(losses.zLoss);
registry.register(losses.activePassiveLoss);
registry.register(losses.anyLoss);
registry.register(losses.asymmetricLoss);
registry.register(losses.dualFocalLoss);
registry.register(losses.errorNormTruncation);
registry.register(losses.focalLoss);
registry.register(losses.maxSupLoss);
registry.register(losses.normalizedCrossEntropyLoss);
registry.register(losses.passAtNLoss);
registry.register(losses.polyLoss);
registry.register(losses.reverseCrossEntropyLoss);
registry.register(losses.selfAdjustingDiceLoss);
registry.register(losses.binaryCrossEntropyLoss);
registry.register(losses.binaryFocalLoss);
registry.register(losses.hingeLoss);
registry.register(losses.squaredHingeLoss);
