import { ensureRuntime } from '../runtime/index.js';
import { throwIfAborted, yieldToEventLoop } from '../errors.js';
import { progressReporter, type LongTaskOptions } from '../progress.js';

type Tf = typeof import('@tensorflow/tfjs');
type Tensor = import('@tensorflow/tfjs').Tensor;
type LayersModel = import('@tensorflow/tfjs').LayersModel;

/** The head predicts these quantiles of the residual log-price (over the ridge/k-NN base). */
export const QUANTILES = [0.1, 0.5, 0.9];
/** Weight of the extra heads' standardised squared error next to the price pinball loss. */
export const EXTRA_TARGET_WEIGHT = 0.2;
const HIDDEN_UNITS = 64;
const DROPOUT = 0.2;
const L2 = 1e-4;
const BATCH_SIZE = 64;
const PATIENCE = 12;

/** Dense(64, relu) → dropout → Dense(3 quantiles + one output per extra target). */
export function buildHead(tf: Tf, inputDims: number, extraTargets: number, seed: number): LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [inputDims], units: HIDDEN_UNITS, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.dropout({ rate: DROPOUT }));
  // Zero-initialised output: training starts from the base estimate and only moves if validation agrees.
  model.add(tf.layers.dense({ units: QUANTILES.length + extraTargets, kernelInitializer: 'zeros', biasInitializer: 'zeros' }));
  return model;
}

export interface HeadData {
  /** rows × dims inputs. */
  x: Float32Array;
  dims: number;
  /** Residual log-price per row (the price target). */
  residual: Float32Array;
  /** rows × extraTargets standardised values, NaN where a product lacks one. */
  extras: Float32Array;
  extraTargets: number;
}

interface Batch { x: Tensor; residual: Tensor; extras: Tensor; mask: Tensor }

function gatherRows(tf: Tf, data: HeadData, rows: number[]): Batch {
  const k = data.extraTargets;
  const x = new Float32Array(rows.length * data.dims);
  const residual = new Float32Array(rows.length);
  const extras = new Float32Array(rows.length * k);
  const mask = new Float32Array(rows.length * k);
  rows.forEach((r, i) => {
    x.set(data.x.subarray(r * data.dims, (r + 1) * data.dims), i * data.dims);
    residual[i] = data.residual[r];
    for (let j = 0; j < k; j++) {
      const v = data.extras[r * k + j];
      if (Number.isFinite(v)) { extras[i * k + j] = v; mask[i * k + j] = 1; }
    }
  });
  return {
    x: tf.tensor2d(x, [rows.length, data.dims]),
    residual: tf.tensor2d(residual, [rows.length, 1]),
    extras: tf.tensor2d(extras, [rows.length, k]),
    mask: tf.tensor2d(mask, [rows.length, k]),
  };
}

/** Pinball loss of the price quantiles plus, when there are extra targets, their masked squared error. */
function headLoss(tf: Tf, output: Tensor, batch: Batch, extraTargets: number, withExtras: boolean): Tensor {
  const q = tf.tensor1d(QUANTILES);
  const diff = batch.residual.sub(output.slice([0, 0], [-1, QUANTILES.length]));
  let loss = tf.maximum(diff.mul(q), diff.mul(q.sub(1))).mean();
  if (withExtras && extraTargets) {
    const error = output.slice([0, QUANTILES.length], [-1, extraTargets]).sub(batch.extras).square().mul(batch.mask);
    loss = loss.add(error.sum().div(batch.mask.sum().add(1e-6)).mul(EXTRA_TARGET_WEIGHT));
  }
  return loss;
}

function shuffled(rows: number[], seed: number): number[] {
  const out = rows.slice();
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Mini-batch Adam with early stopping on the validation price pinball loss, keeping the best
 * weights. A hand-written loop (not `fit`): seeded shuffles and dropout masks make training
 * reproducible, and the extra targets need a masked loss.
 */
export async function trainHead(data: HeadData, trainRows: number[], validationRows: number[], options: LongTaskOptions & { epochs: number; seed: number }): Promise<{ head: LayersModel; epochs: number }> {
  const progress = progressReporter(options.onProgress);
  const { tf } = await ensureRuntime();
  const head = buildHead(tf, data.dims, data.extraTargets, options.seed);
  const [hiddenLayer, , outputLayer] = head.layers;
  const optimizer = tf.train.adam(2e-3);
  const validation = gatherRows(tf, data, validationRows.length ? validationRows : trainRows);
  let best = Infinity;
  let bestWeights: Tensor[] | undefined;
  let sinceBest = 0;
  let epoch = 0;
  let step = 0;
  try {
    for (; epoch < options.epochs && sinceBest < PATIENCE; epoch++) {
      throwIfAborted(options.signal);
      const order = shuffled(trainRows, options.seed + epoch);
      for (let start = 0; start < order.length; start += BATCH_SIZE) {
        const batch = gatherRows(tf, data, order.slice(start, start + BATCH_SIZE));
        const seed = options.seed * 7919 + step++;
        optimizer.minimize(() => {
          const hidden = hiddenLayer.apply(batch.x) as Tensor;
          const keep = tf.randomUniform(hidden.shape, 0, 1, 'float32', seed).greaterEqual(DROPOUT).cast('float32');
          const output = outputLayer.apply(hidden.mul(keep).div(1 - DROPOUT)) as Tensor;
          const kernel = head.trainableWeights[0].read();
          return headLoss(tf, output, batch, data.extraTargets, true).add(kernel.square().sum().mul(L2)) as import('@tensorflow/tfjs').Scalar;
        });
        tf.dispose([batch.x, batch.residual, batch.extras, batch.mask]);
      }
      // Early stopping watches the price only: the extra targets are there to help it, not to steer it.
      const value = tf.tidy(() => headLoss(tf, head.predict(validation.x) as Tensor, validation, data.extraTargets, false));
      const current = (await value.data())[0];
      value.dispose();
      if (current < best - 1e-5) {
        best = current;
        sinceBest = 0;
        tf.dispose(bestWeights ?? []);
        bestWeights = head.getWeights().map((w) => w.clone());
      } else sinceBest++;
      progress.report('train', epoch + 1, options.epochs, 'epochs');
      await yieldToEventLoop();
    }
    // Early stopping ends the phase before its last epoch: say that it is complete.
    progress.finish('train');
    if (bestWeights) head.setWeights(bestWeights);
  } finally {
    tf.dispose([validation.x, validation.residual, validation.extras, validation.mask, ...(bestWeights ?? [])]);
    optimizer.dispose();
  }
  return { head, epochs: epoch };
}

/** Row `i` of predictHead's outputs as a log-price median and 80% range over `base`, the quantile gaps scaled by `calibration`. */
export function logPriceRange(outputs: Float32Array, width: number, i: number, base: number, calibration: number): { median: number; low: number; high: number } {
  const median = base + outputs[i * width + 1];
  return { median, low: median - calibration * (outputs[i * width + 1] - outputs[i * width]), high: median + calibration * (outputs[i * width + 2] - outputs[i * width + 1]) };
}

/** Per row: the 3 price quantiles (sorted so they never cross), then the extra targets. */
export async function predictHead(head: LayersModel, x: Float32Array, rows: number, dims: number): Promise<{ outputs: Float32Array; width: number }> {
  const { tf } = await ensureRuntime();
  const input = tf.tensor2d(x, [rows, dims]);
  const output = head.predict(input) as Tensor;
  const width = output.shape[1] ?? QUANTILES.length;
  const data = (await output.data()) as Float32Array;
  tf.dispose([input, output]);
  for (let r = 0; r < rows; r++) {
    const sorted = Array.from(data.subarray(r * width, r * width + 3)).sort((a, b) => a - b);
    data.set(sorted, r * width);
  }
  return { outputs: data, width };
}
