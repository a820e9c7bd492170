export {
  filterClasses,
  loadMnist,
  MNIST_PIXELS,
  MNIST_SIDE,
  type MnistSplit,
  withSymmetricNoise,
} from './mnist.js';
