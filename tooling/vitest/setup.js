// Runs before every test file: quiet tfjs test mode and the cpu backend as the default.
import * as tf from '@tensorflow/tfjs';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
await tf.ready();
