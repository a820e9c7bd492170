// The only module of @xent/losses with side effects: registers every loss with the @xent/core registry.
// One `registry.register(losses.<name>);` line per loss, sorted by name.
import { registry } from '@xent/core';
import * as losses from './index.js';

void losses;
void registry;
