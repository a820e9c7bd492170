import { filterClasses, loadMnist, MNIST_PIXELS, withSymmetricNoise } from '@xent/datasets';
import { describe, expect, it } from 'vitest';

describe('loadMnist', () => {
  it('reads the real test split', () => {
    const test = loadMnist('test');
    expect(test.count).toBe(10000);
    expect(test.images.length).toBe(10000 * MNIST_PIXELS);
    // The first test digit of the original MNIST is a 7.
    expect(test.labels[0]).toBe(7);
    const counts = new Array(10).fill(0);
    for (const label of test.labels) counts[label]++;
    expect(counts.every((c) => c > 800)).toBe(true);
    expect(Math.max(...test.images.subarray(0, MNIST_PIXELS))).toBeLessThanOrEqual(1);
  });
  it('filters classes and adds symmetric noise at the requested rate', () => {
    const low = filterClasses(loadMnist('test', 2000), [0, 1, 2, 3, 4]);
    expect([...low.labels].every((l) => l <= 4)).toBe(true);
    const train = loadMnist('train', 20000);
    const noisy = withSymmetricNoise(train, 0.4, 7);
    let flipped = 0;
    for (let i = 0; i < train.count; i++) if (noisy.labels[i] !== train.labels[i]) flipped++;
    expect(flipped / train.count).toBeGreaterThan(0.37);
    expect(flipped / train.count).toBeLessThan(0.43);
  });
});
