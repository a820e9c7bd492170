/**
 * Real-data comparison of distillation losses on MNIST (wasm backend).
 *
 * A teacher MLP 784-512-512-10 is trained once with cross-entropy; its logits on the student's training
 * subset are computed once and reused. Then a student MLP 784-32-10 is trained with the same budget
 * (epochs, batch, optimizer, initialisation per seed, shuffling per seed) under each method:
 * CE only, KD, DKD, PLD, dual-head KD (and dual-head KD with gradient alignment). Reports student test
 * accuracy (full 10k test set) mean ± std over seeds and wall time per epoch.
 *
 * Run: npx tsx --conditions=@xent/source packages/distill/bench/mnist-distill.ts
 * Environment overrides: TEACHER_TRAIN, TEACHER_EPOCHS, STUDENT_TRAIN, STUDENT_EPOCHS, SEEDS.
 */
import * as tf from '@tensorflow/tfjs';
import { machineLine } from '@xent/bench';
import { loadMnist, MNIST_PIXELS, type MnistSplit } from '@xent/datasets';
import { seededRandom, useBackend } from '@xent/testing';
import { alignGradients, dkdLoss, dualHeadKdLoss, kdLoss, pldLoss } from '../src/index.js';
import { createDualHeadClassifier } from '../src/layers.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TEACHER_TRAIN = env('TEACHER_TRAIN', 20000);
const TEACHER_EPOCHS = env('TEACHER_EPOCHS', 2);
const STUDENT_TRAIN = env('STUDENT_TRAIN', 5000);
const STUDENT_EPOCHS = env('STUDENT_EPOCHS', 10);
const SEEDS = env('SEEDS', 3);
const BATCH = 128;
const LEARNING_RATE = 1e-3;
const CLASSES = 10;

interface Data {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor1D;
  readonly count: number;
}

function toTensors(split: MnistSplit): Data {
  return {
    x: tf.tensor2d(split.images, [split.count, MNIST_PIXELS]),
    y: tf.tensor1d(split.labels, 'int32'),
    count: split.count,
  };
}

function mlp(sizes: readonly number[], seed: number, name: string): tf.LayersModel {
  const input = tf.input({ shape: [MNIST_PIXELS] });
  let h: tf.SymbolicTensor = input;
  sizes.forEach((units, i) => {
    h = tf.layers
      .dense({
        units,
        activation: i < sizes.length - 1 ? 'relu' : 'linear',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 100 + i }),
        name: `${name}_dense${i}`,
      })
      .apply(h) as tf.SymbolicTensor;
  });
  return tf.model({ inputs: input, outputs: h, name });
}

/** A per-seed permutation of [0, n) (Fisher–Yates on a seeded PRNG). */
function shuffled(n: number, random: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

function accuracy(predict: (x: tf.Tensor) => tf.Tensor, data: Data): number {
  let correct = 0;
  for (let start = 0; start < data.count; start += 1000) {
    const size = Math.min(1000, data.count - start);
    correct += tf.tidy(() => {
      const logits = predict(data.x.slice([start, 0], [size, MNIST_PIXELS]));
      const hits = tf.equal(tf.argMax(logits, -1), data.y.slice([start], [size]));
      return tf.sum(tf.cast(hits, 'int32')).dataSync()[0]!;
    });
  }
  return correct / data.count;
}

interface Batch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly teacher: tf.Tensor;
}

interface Student {
  readonly step: (batch: Batch, optimizer: tf.Optimizer, progress: number) => void;
  readonly predict: (x: tf.Tensor) => tf.Tensor;
}

/** One training method: builds a fresh student for a seed. */
interface Method {
  readonly name: string;
  readonly setup: (seed: number) => Student;
}

const ce = (logits: tf.Tensor, y: tf.Tensor) =>
  tf.losses.softmaxCrossEntropy(tf.cast(tf.oneHot(y, CLASSES), 'float32'), logits);

function singleHead(name: string, loss: (s: tf.Tensor, b: Batch, progress: number) => tf.Tensor): Method {
  return {
    name,
    setup: (seed) => {
      const model = mlp([32, CLASSES], seed, 'student');
      return {
        step: (batch, optimizer, progress) => {
          optimizer.minimize(() => loss(model.apply(batch.x) as tf.Tensor, batch, progress) as tf.Scalar);
        },
        predict: (x) => model.predict(x) as tf.Tensor,
      };
    },
  };
}

function dualHead(name: string, align: boolean): Method {
  return {
    name,
    setup: (seed) => {
      const { model, inference } = createDualHeadClassifier({
        inputDim: MNIST_PIXELS,
        hidden: [32],
        numClasses: CLASSES,
        name: `dh${seed}${align ? 'ga' : ''}`,
      });
      // Same initialisation scheme as the single-head student: seeded Glorot kernels, zero biases.
      model.layers.forEach((layer, i) => {
        const weights = layer.getWeights();
        if (weights.length === 2) {
          const [kernel, bias] = weights as [tf.Tensor, tf.Tensor];
          const init = tf.initializers.glorotUniform({ seed: seed * 100 + i }).apply(kernel.shape);
          layer.setWeights([init, tf.zerosLike(bias)]);
        }
      });
      const objective = (batch: Batch, options: Record<string, number>) => () => {
        const [main, aux] = model.apply(batch.x) as tf.Tensor[];
        return dualHeadKdLoss(main!, aux!, batch.teacher, batch.y, {
          validate: false,
          ...options,
        }) as tf.Scalar;
      };
      return {
        step: (batch, optimizer) => {
          if (!align) {
            optimizer.minimize(objective(batch, {}));
            return;
          }
          tf.tidy(() => {
            const ceGrads = tf.variableGrads(objective(batch, { auxWeight: 0 }));
            const kdGrads = tf.variableGrads(objective(batch, { ceWeight: 0 }));
            optimizer.applyGradients(alignGradients(ceGrads.grads, kdGrads.grads));
          });
        },
        predict: (x) => inference.predict(x) as tf.Tensor,
      };
    },
  };
}

const methods: Method[] = [
  singleHead('CE only', (s, b) => ce(s, b.y)),
  // Hinton KD with the mdistiller CIFAR recipe: 0.1·CE + 0.9·T²·KL, T = 4.
  singleHead('KD (T 4, α 0.1)', (s, b) =>
    kdLoss(s, b.teacher, { temperature: 4, alpha: 0.1, labels: b.y, validate: false }),
  ),
  // DKD with its defaults (α 1, β 8, T 4) plus CE, warm-up over the first epoch (paper: 20 of 240).
  singleHead('DKD (α 1, β 8, T 4) + CE', (s, b, progress) =>
    tf.add(ce(s, b.y), tf.mul(dkdLoss(s, b.teacher, b.y, { validate: false }), Math.min(progress, 1))),
  ),
  // PLD alone (it replaces CE + KD), τ = 1 (the paper's best).
  singleHead('PLD (τ 1)', (s, b) => pldLoss(s, b.teacher, b.y, { temperature: 1, validate: false })),
  // Official DHKD: CE on the main head + 1·BinaryKL-Norm (T 2) on a linear auxiliary head.
  dualHead('dual-head KD (T 2, α 1)', false),
  dualHead('dual-head KD + GA', true),
];

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(values.length - 1, 1);
  return { mean, std: Math.sqrt(variance) };
}

function trainEpochs(
  data: Data,
  teacherLogits: tf.Tensor,
  epochs: number,
  seed: number,
  step: (batch: Batch, progress: number) => void,
): number[] {
  const random = seededRandom(seed);
  const seconds: number[] = [];
  const stepsPerEpoch = Math.ceil(data.count / BATCH);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffled(data.count, random);
    const start = performance.now();
    for (let s = 0; s < stepsPerEpoch; s++) {
      const idx = order.subarray(s * BATCH, Math.min((s + 1) * BATCH, data.count));
      tf.tidy(() => {
        const indices = tf.tensor1d(idx, 'int32');
        const batch = {
          x: tf.gather(data.x, indices),
          y: tf.gather(data.y, indices),
          teacher: tf.gather(teacherLogits, indices),
        };
        step(batch, epoch + s / stepsPerEpoch);
      });
    }
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds;
}

async function main(): Promise<void> {
  if (!(await useBackend('wasm'))) throw new Error('wasm backend unavailable');
  tf.enableProdMode();
  const started = performance.now();
  const teacherTrain = toTensors(loadMnist('train', TEACHER_TRAIN));
  const studentTrain = toTensors(loadMnist('train', STUDENT_TRAIN));
  const test = toTensors(loadMnist('test'));

  console.log(machineLine());
  console.log(
    `teacher 784-512-512-10 on the first ${TEACHER_TRAIN} train images × ${TEACHER_EPOCHS} epochs; ` +
      `students 784-32-10 on the first ${STUDENT_TRAIN} × ${STUDENT_EPOCHS} epochs; ` +
      `Adam ${LEARNING_RATE}, batch ${BATCH}, ${SEEDS} seeds; test = full 10k test set`,
  );

  const teacher = mlp([512, 512, CLASSES], 7, 'teacher');
  const teacherOptimizer = tf.train.adam(LEARNING_RATE);
  const noTeacher = tf.zeros([teacherTrain.count, CLASSES]);
  const teacherSeconds = trainEpochs(teacherTrain, noTeacher, TEACHER_EPOCHS, 7, (b) => {
    teacherOptimizer.minimize(() => ce(teacher.apply(b.x) as tf.Tensor, b.y) as tf.Scalar);
  });
  noTeacher.dispose();
  const teacherAccuracy = accuracy((x) => teacher.predict(x) as tf.Tensor, test);
  const teacherLogits = tf.tidy(() => teacher.predict(studentTrain.x, { batchSize: 1000 }) as tf.Tensor);
  console.log(
    `teacher: test accuracy ${(100 * teacherAccuracy).toFixed(2)}%, ` +
      `${meanStd(teacherSeconds).mean.toFixed(1)} s/epoch`,
  );

  const rows: string[] = [];
  for (const method of methods) {
    const accuracies: number[] = [];
    const epochSeconds: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const student = method.setup(seed);
      const optimizer = tf.train.adam(LEARNING_RATE);
      epochSeconds.push(
        ...trainEpochs(studentTrain, teacherLogits, STUDENT_EPOCHS, seed, (b, progress) =>
          student.step(b, optimizer, progress),
        ),
      );
      accuracies.push(accuracy(student.predict, test));
      optimizer.dispose();
    }
    const acc = meanStd(accuracies.map((a) => 100 * a));
    const perEpoch = meanStd(epochSeconds);
    const perSeed = accuracies.map((a) => (100 * a).toFixed(2)).join(', ');
    const row = `| ${method.name} | ${acc.mean.toFixed(2)} ± ${acc.std.toFixed(2)} | ${perSeed} | ${perEpoch.mean.toFixed(2)} |`;
    rows.push(row);
    console.log(row);
  }
  console.log('\n| student loss | test accuracy % (mean ± std) | per seed | s / epoch |\n|---|---|---|---|');
  console.log(rows.join('\n'));
  console.log(`\ntotal wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
