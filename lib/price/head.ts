import { ensureRuntime } from '../runtime/index.js';
import { throwIfAborted, yieldToEventLoop } from '../errors.js';
import type { LongTaskOptions } from '../progress.js';

type Tf = typeof import('@tensorflow/tfjs');
type LayersModel = import('@tensorflow/tfjs').LayersModel;

/** The head predicts these quantiles of the residual log-price (over the ridge/k-NN base). */
export const QUANTILES = [0.1, 0.5, 0.9];

export function buildHead(tf: Tf, inputDims: number, seed: number): LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [inputDims], units: 64, activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }), kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.dropout({ rate: 0.2, seed }));
  // Zero-initialised output: training starts from the base estimate and only moves if validation agrees.
  model.add(tf.layers.dense({ units: QUANTILES.length, kernelInitializer: 'zeros', biasInitializer: 'zeros' }));
  return model;
}

function pinball(tf: Tf) {
  const q = tf.tensor1d(QUANTILES);
  return (yTrue: import('@tensorflow/tfjs').Tensor, yPred: import('@tensorflow/tfjs').Tensor): import('@tensorflow/tfjs').Scalar => tf.tidy(() => {
    const diff = yTrue.sub(yPred);
    return tf.maximum(diff.mul(q), diff.mul(q.sub(1))).mean() as import('@tensorflow/tfjs').Scalar;
  });
}

/** Epoch loop with early stopping on validation pinball loss, keeping the best weights. */
export async function trainHead(x: Float32Array, y: Float32Array, trainRows: number[], validationRows: number[], dims: number, options: LongTaskOptions & { epochs: number; seed: number }): Promise<{ head: LayersModel; epochs: number }> {
  const { tf } = await ensureRuntime();
  const head = buildHead(tf, dims, options.seed);
  const loss = pinball(tf);
  head.compile({ optimizer: tf.train.adam(2e-3), loss });
  const take = (rows: number[]): { xs: import('@tensorflow/tfjs').Tensor2D; ys: import('@tensorflow/tfjs').Tensor2D } => {
    const xs = new Float32Array(rows.length * dims);
    // Targets repeated per quantile: tfjs-layers wants y shaped like the output.
    const ys = new Float32Array(rows.length * QUANTILES.length);
    rows.forEach((r, i) => { xs.set(x.subarray(r * dims, (r + 1) * dims), i * dims); ys.fill(y[r], i * QUANTILES.length, (i + 1) * QUANTILES.length); });
    return { xs: tf.tensor2d(xs, [rows.length, dims]), ys: tf.tensor2d(ys, [rows.length, QUANTILES.length]) };
  };
  const train = take(trainRows);
  const validation = take(validationRows.length ? validationRows : trainRows);
  let best = Infinity;
  let bestWeights: import('@tensorflow/tfjs').Tensor[] | undefined;
  let sinceBest = 0;
  let epoch = 0;
  const patience = 12;
  try {
    for (; epoch < options.epochs && sinceBest < patience; epoch++) {
      throwIfAborted(options.signal);
      await head.fit(train.xs, train.ys, { epochs: 1, batchSize: 64, shuffle: true, verbose: 0 });
      const prediction = head.predict(validation.xs) as import('@tensorflow/tfjs').Tensor;
      const value = loss(validation.ys, prediction);
      const current = (await value.data())[0];
      tf.dispose([prediction, value]);
      if (current < best - 1e-5) {
        best = current;
        sinceBest = 0;
        tf.dispose(bestWeights ?? []);
        bestWeights = head.getWeights().map((w) => w.clone());
      } else sinceBest++;
      options.onProgress?.({ phase: 'train', loaded: epoch + 1, total: options.epochs });
      await yieldToEventLoop();
    }
    if (bestWeights) head.setWeights(bestWeights);
  } finally {
    tf.dispose([train.xs, train.ys, validation.xs, validation.ys, ...(bestWeights ?? [])]);
  }
  return { head, epochs: epoch };
}

/** Quantiles per row, sorted so they never cross. */
export async function predictHead(head: LayersModel, x: Float32Array, rows: number, dims: number): Promise<Float32Array> {
  const { tf } = await ensureRuntime();
  const input = tf.tensor2d(x, [rows, dims]);
  const output = head.predict(input) as import('@tensorflow/tfjs').Tensor;
  const data = (await output.data()) as Float32Array;
  tf.dispose([input, output]);
  for (let r = 0; r < rows; r++) {
    const sorted = Array.from(data.subarray(r * 3, r * 3 + 3)).sort((a, b) => a - b);
    data.set(sorted, r * 3);
  }
  return data;
}
