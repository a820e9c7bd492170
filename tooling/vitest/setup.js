// Runs before every test file: the cpu backend as the default. PROD silences tfjs's console
// warnings (its "install tfjs-node" banner); tfjs's IS_TEST mode stays off: it flags tensors saved by
// custom gradients on wasm as kernel leaks, which users never see.
import * as tf from '@tensorflow/tfjs';

tf.env().set('PROD', true);
await tf.setBackend('cpu');
await tf.ready();
