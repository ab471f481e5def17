import { env, joinUrl } from '../../config.js';
import { StorecastError, throwIfAborted, invalidInput, yieldToEventLoop } from '../../errors.js';
import { defaultModelBase, readJson, readModelFile } from '../../io.js';
import { ensureRuntime } from '../../runtime/index.js';
import { progressReporter, type LongTaskOptions } from '../../progress.js';
import type { PreparedSeries } from '../prepare.js';
import type { MemberForecast } from '../types.js';
import { networkPeriod, normaliseWindow, type NormalisationSpec } from './normalise.js';

type Tf = typeof import('@tensorflow/tfjs');
type LayersModel = import('@tensorflow/tfjs').LayersModel;

export interface TrendModelManifest {
  format: 'storecast-trend-lstm';
  version: number;
  window: number;
  horizon: number;
  quantiles: number[];
  units: number;
  covariates: number;
  /** The period input channel is log(period) / log(periodScale) (0 without seasonal indices). */
  periodScale: number;
  normalisation: NormalisationSpec;
  /** Frequencies its training data covered well (real series of that frequency): there it is weighted like a fitted member. */
  trainedFrequencies: string[];
  /** Forecasts the training script computed with the quantised weights, for fixed series (a test recomputes them). */
  reference?: { frequency: 'hourly' | 'weekly'; length: number; horizon: number; median: number[] }[];
  weights: { name: string; shape: number[]; dtype: 'uint8' | 'float32'; min: number; scale: number; offset: number; length: number }[];
}

/** The global LSTM: shipped pretrained, usable zero-shot, optionally fine-tuned on the merchant's series. */
export interface TrendModel {
  readonly manifest: TrendModelManifest;
  /** @internal */ readonly network: LayersModel;
  dispose(): void;
}

type SymbolicTensor = import('@tensorflow/tfjs').SymbolicTensor;

/** Input channels per step: the normalised value, observed, the covariates, the seasonal period. */
const pastChannels = (m: TrendModelManifest): number => 3 + m.covariates;

/**
 * The network as tf.layers (the training script's Net): an LSTM over the window, a hidden layer,
 * quantiles per step, plus the future covariates' effect and, per step, a gated share of the last
 * cycle's departure from the seasonal profile (the same shift for every quantile).
 */
function build(tf: Tf, m: TrendModelManifest): LayersModel {
  const past = tf.input({ shape: [m.window, pastChannels(m)] });
  const futureCovariates = tf.input({ shape: [m.horizon, m.covariates] });
  const lastCycle = tf.input({ shape: [m.horizon] });
  // recurrentActivation must be sigmoid: the weights were trained in PyTorch, not with Keras' hard sigmoid.
  const state = tf.layers.lstm({ units: m.units, recurrentActivation: 'sigmoid', name: 'lstm', kernelInitializer: 'zeros', recurrentInitializer: 'zeros' }).apply(past);
  const hidden = tf.layers.dense({ units: 128, activation: 'relu', name: 'hidden' }).apply(state);
  const flat = tf.layers.dense({ units: m.horizon * m.quantiles.length, name: 'out' }).apply(hidden);
  const base = tf.layers.reshape({ targetShape: [m.horizon, m.quantiles.length] }).apply(flat);
  const covariateEffect = tf.layers.dense({ units: m.quantiles.length, useBias: false, name: 'cov' }).apply(futureCovariates);
  const carry = tf.layers.dense({ units: m.horizon, name: 'carry' }).apply(hidden);
  const carried = tf.layers.multiply().apply([carry as SymbolicTensor, lastCycle]);
  // The same shift for every quantile: [batch, horizon] repeated to [batch, quantiles, horizon], then transposed.
  const carriedEffect = tf.layers.permute({ dims: [2, 1] }).apply(tf.layers.repeatVector({ n: m.quantiles.length }).apply(carried));
  const output = tf.layers.add().apply([base as SymbolicTensor, covariateEffect as SymbolicTensor, carriedEffect as SymbolicTensor]);
  return tf.model({ inputs: [past, futureCovariates, lastCycle], outputs: output as SymbolicTensor });
}

function dequantize(spec: TrendModelManifest['weights'][number], bytes: Uint8Array): Float32Array {
  const out = new Float32Array(spec.length);
  if (spec.dtype === 'float32') return new Float32Array(bytes.slice(spec.offset, spec.offset + spec.length * 4).buffer);
  for (let i = 0; i < spec.length; i++) out[i] = spec.min + spec.scale * bytes[spec.offset + i];
  return out;
}

/** Loads the pretrained trend model (default: `<env.modelBaseUrl>/trend-lstm/`). */
export async function loadTrendModel(url?: string, options: LongTaskOptions = {}): Promise<TrendModel> {
  const base = url ?? joinUrl(env.modelBaseUrl === '/models/' ? await defaultModelBase() : env.modelBaseUrl, 'trend-lstm/');
  const manifest = await readJson<TrendModelManifest>(joinUrl(base, 'model.json'), { signal: options.signal, setting: url ? 'none' : 'modelBaseUrl' });
  if (manifest.format !== 'storecast-trend-lstm' || manifest.version !== 3 || manifest.normalisation?.kind !== 'seasonal-level-log') {
    throw new StorecastError('MODEL_LOAD_FAILED', `${base} is not a storecast trend model of this version (format ${String(manifest.format)} v${String(manifest.version)}; this storecast reads v3, written by tools/trend/train_lstm.py).`);
  }
  const bytes = await readModelFile(joinUrl(base, 'weights.bin'), { ...options, phase: 'load-trend-model', setting: url ? 'none' : 'modelBaseUrl' });
  const expected = manifest.weights.reduce((a, w) => Math.max(a, w.offset + w.length * (w.dtype === 'float32' ? 4 : 1)), 0);
  if (bytes.length !== expected) throw new StorecastError('MODEL_LOAD_FAILED', `Trend model weights at ${base} are ${bytes.length} bytes, expected ${expected}: the file is truncated or corrupt.`);
  const { tf } = await ensureRuntime();
  const network = build(tf, manifest);
  const byName = new Map(manifest.weights.map((w) => [w.name, w]));
  for (const layer of network.layers) {
    const names = layer.name === 'lstm' ? ['kernel', 'recurrent_kernel', 'bias'] : layer.name === 'cov' ? ['kernel'] : ['hidden', 'out', 'carry'].includes(layer.name) ? ['kernel', 'bias'] : [];
    if (!names.length) continue;
    const tensors = names.map((n) => {
      const spec = byName.get(`${layer.name}/${n}`);
      if (!spec) throw new StorecastError('MODEL_LOAD_FAILED', `Trend model is missing weight ${layer.name}/${n}.`);
      return tf.tensor(dequantize(spec, bytes), spec.shape);
    });
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
  return { manifest, network, dispose: () => network.dispose() };
}

let defaultModel: Promise<TrendModel> | undefined;
let defaultModelError: unknown;

/** Why the pretrained model could not be loaded (undefined if it loaded or was never asked for). */
export function trendModelLoadFailure(): string | undefined {
  if (!defaultModelError) return undefined;
  return defaultModelError instanceof Error ? defaultModelError.message : String(defaultModelError);
}

let defaultModelFolder: string | undefined;

/** The given model, or the default one (undefined when it cannot be loaded and is not `required`). */
export async function resolveTrendModel(model: TrendModel | undefined, required: boolean): Promise<TrendModel | undefined> {
  return model ?? getDefaultModel(required);
}

async function getDefaultModel(required: boolean): Promise<TrendModel | undefined> {
  // A failure is remembered for the models folder it happened in; a changed env.modelBaseUrl tries again.
  if (defaultModelFolder !== env.modelBaseUrl) { defaultModel = undefined; defaultModelError = undefined; defaultModelFolder = env.modelBaseUrl; }
  if (defaultModelError && !required) return undefined;
  defaultModel ??= loadTrendModel();
  try {
    const model = await defaultModel;
    defaultModelError = undefined;
    return model;
  } catch (error) {
    defaultModel = undefined;
    defaultModelError = error;
    if (required) throw error;
    return undefined;
  }
}

interface Window { past: Float32Array; future: Float32Array; lastCycle: Float32Array; season: Float64Array; level: number; shift: number }

/**
 * The network's input for a forecast from `end`: normalised values, the observed mask, the
 * seasonal period, and the last cycle per forecast step. Its covariate channels stay 0:
 * covariates reach the forecast through the engine's dynamic regression, as for every member.
 */
function makeWindow(m: TrendModelManifest, values: ArrayLike<number>, end: number, period: number): Window | undefined {
  const normalised = normaliseWindow(m.normalisation, m.window, m.horizon, values, end, period);
  if (!normalised) return undefined;
  const channels = pastChannels(m);
  const past = new Float32Array(m.window * channels);
  const future = new Float32Array(m.horizon * m.covariates);
  const periodInput = normalised.period ? Math.log(normalised.period) / Math.log(m.periodScale) : 0;
  for (let i = 0; i < m.window; i++) {
    past[i * channels] = normalised.x[i];
    past[i * channels + 1] = normalised.observed[i];
    past[i * channels + channels - 1] = periodInput;
  }
  return { past, future, lastCycle: normalised.lastCycle, season: normalised.season, level: normalised.level, shift: normalised.shift };
}

function toForecast(m: TrendModelManifest, output: Float32Array, row: number, w: Window, horizon: number, keys: number[]): MemberForecast {
  const q = m.quantiles.length;
  // Packed arrays (not `new Array(n)`): the engine's loops over members' forecasts stay monomorphic.
  const perQuantile = keys.map(() => Array.from({ length: horizon }, () => 0));
  const step = new Float64Array(q);
  for (let h = 0; h < horizon; h++) {
    const at = (row * m.horizon + h) * q;
    // The network forecasts log((value + shift) / (season · level)). Independent quantile heads can
    // cross; sorting per step (insertion: five values) restores a valid distribution.
    for (let k = 0; k < q; k++) {
      const v = Math.exp(output[at + k]) * w.level * w.season[m.window + h] - w.shift;
      let j = k;
      for (; j > 0 && step[j - 1] > v; j--) step[j] = step[j - 1];
      step[j] = v;
    }
    for (let k = 0; k < q; k++) perQuantile[k][h] = step[k];
  }
  const quantiles = new Map<number, number[]>();
  keys.forEach((key, k) => quantiles.set(key, perQuantile[k]));
  const median = quantiles.get(50)!;
  const lo = quantiles.get(10);
  const hi = quantiles.get(90);
  const sd = lo && hi ? lo.map((l, h) => (hi[h] - l) / (2 * 1.2816)) : undefined;
  return { name: 'lstm', mean: median, sd, quantiles };
}

/** One series' request to the network: forecasts from each cut (history length) of its values. */
export interface NeuralRequest {
  prepared: PreparedSeries;
  cuts: number[];
  /** Steps to forecast from each cut. */
  horizon: number;
  /** networkPeriod(prepared.values, prepared.frequency), when the caller has it already. */
  period?: number;
}

/**
 * The network's forecasts for many series in one batch, one per cut of each request, in the
 * series' own units. Undefined when the model cannot be loaded and is not `required`.
 */
export async function neuralForecasts(requests: NeuralRequest[], options: { required: boolean; model?: TrendModel; signal?: AbortSignal }): Promise<{ forecasts: Array<MemberForecast[] | undefined>; skipped: Array<string | undefined> } | undefined> {
  const model = await resolveTrendModel(options.model, options.required);
  if (!model) return undefined;
  throwIfAborted(options.signal);
  const m = model.manifest;
  const windows: Window[] = [];
  const slots: Array<number[] | undefined> = [];
  const skipped: Array<string | undefined> = [];
  for (const request of requests) {
    const p = request.prepared;
    if (p.horizon > m.horizon || p.values.length < 2) {
      if (options.required) throw invalidInput(`model 'lstm' forecasts at most ${m.horizon} steps ahead from ≥ 2 points; asked for ${p.horizon} from ${p.values.length}.`);
      skipped.push(p.horizon > m.horizon ? `it forecasts at most ${m.horizon} steps ahead (asked for ${p.horizon})` : 'it needs at least 2 points');
      slots.push(undefined);
      continue;
    }
    const period = request.period ?? networkPeriod(p.values, p.frequency);
    const own = request.cuts.map((cut) => makeWindow(m, p.values, cut, period));
    if (own.some((w) => !w)) {
      skipped.push('the history before a forecast origin is all zeros');
      slots.push(undefined);
      continue;
    }
    slots.push(own.map((w) => { windows.push(w!); return windows.length - 1; }));
    skipped.push(undefined);
  }
  const output = new Float32Array(windows.length * m.horizon * m.quantiles.length);
  if (windows.length) {
    const { tf } = await ensureRuntime();
    // One big batch per call beats several small ones on wasm: per-op overhead, not arithmetic, dominates the LSTM.
    const batchSize = 1024;
    for (let start = 0; start < windows.length; start += batchSize) {
      throwIfAborted(options.signal);
      const batch = windows.slice(start, start + batchSize);
      const result = forward(tf, model, batch.map((w) => w.past), batch.map((w) => w.lastCycle));
      output.set(await result.data(), start * m.horizon * m.quantiles.length);
      result.dispose();
      if (windows.length > batchSize) await yieldToEventLoop();
    }
  }
  const keys = m.quantiles.map((p) => Number((p * 100).toFixed(4)));
  const forecasts = slots.map((slot, k) => slot?.map((index) => toForecast(m, output, index, windows[index], requests[k].horizon, keys)));
  return { forecasts, skipped };
}

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;

/**
 * The network's forecasts for a batch of windows (`past`: each [window × channels], row-major;
 * `lastCycle`: each [horizon]), as `network.predict` computes them, without tf.layers' RNN loop.
 * That loop unstacks the input per step and splits the gates with slices, and the wasm backend's slice copies its whole input each
 * time (quadratic in the batch); its tanh is a scalar loop, several times slower than its sigmoid.
 * Here the state is kept transposed ([units × batch]), so that appending step t's inputs is one
 * contiguous concatenation, and each step is one matMul per gate and its sigmoid (the bias rides on
 * a constant-1 input row) plus the cell's element-wise update, with tanh(x) = 2σ(2x) − 1
 * (the g gate's weights are doubled for it: exact in floating point). The weights are read from the
 * network's variables at every call, so a fine-tuned model forecasts with its new weights. The
 * future-covariate input is left out: makeWindow always leaves it 0, so its dense layer (no bias)
 * adds exactly 0.
 * @internal
 */
export function forward(tf: Tf, model: TrendModel, past: Float32Array[], lastCycle: Float32Array[]): Tensor {
  const m = model.manifest;
  const batch = past.length;
  const channels = pastChannels(m);
  const rows = channels + 1; // the inputs and the constant 1 that carries the bias
  const units = m.units;
  const weight = (layer: string, name: string): Tensor => {
    const found = model.network.getLayer(layer).weights.find((w) => w.originalName === `${layer}/${name}`);
    if (!found) throw new StorecastError('INTERNAL', `trend model layer ${layer} has no weight ${name}`);
    return found.read();
  };
  // Per step, the inputs of every window transposed: [channel][window], then a row of ones.
  const steps = Array.from({ length: m.window }, () => new Float32Array(rows * batch).fill(1, channels * batch));
  past.forEach((p, b) => {
    for (let t = 0; t < m.window; t++) for (let k = 0; k < channels; k++) steps[t][k * batch + b] = p[t * channels + k];
  });
  return tf.tidy(() => {
    const kernel = weight('lstm', 'kernel');
    const recurrent = weight('lstm', 'recurrent_kernel');
    const bias = weight('lstm', 'bias');
    // Keras' gate order i, f, c (g), o: per gate [kernel; bias; recurrent kernel]ᵀ, [units × (rows + units)].
    const gates = [0, 1, 2, 3].map((k) => {
      const w = tf.concat([kernel.slice([0, k * units], [channels, units]), bias.slice([k * units], [units]).reshape([1, units]), recurrent.slice([0, k * units], [units, units])], 0).transpose() as Tensor2D;
      return k === 2 ? w.mul(2) as Tensor2D : w;
    });
    const one = tf.scalar(1);
    const two = tf.scalar(2);
    let h: Tensor2D = tf.zeros([units, batch]);
    let c: Tensor2D = tf.zeros([units, batch]);
    for (let t = 0; t < m.window; t++) {
      const next = tf.tidy(() => {
        const xh = tf.concat([tf.tensor2d(steps[t], [rows, batch]), h], 0) as Tensor2D;
        // matMul then sigmoid: the wasm backend applies a fused sigmoid in a slower loop than its own op.
        const gate = (k: number): Tensor2D => tf.sigmoid(tf.matMul(gates[k], xh)) as Tensor2D;
        const i = gate(0);
        const f = gate(1);
        const g = tf.sub(tf.mul(gate(2), two), one);
        const o = gate(3);
        const cell = tf.add(tf.mul(f, c), tf.mul(i, g)) as Tensor2D;
        const tanhCell = tf.sub(tf.mul(tf.sigmoid(tf.mul(cell, two)), two), one);
        return [tf.mul(o, tanhCell) as Tensor2D, cell];
      });
      h.dispose();
      c.dispose();
      [h, c] = next;
    }
    // An explicit transpose: tfjs-backend-wasm 4.22's fused matMul with transposeA gave wrong numbers here.
    const hidden = tf.fused.matMul({ a: h.transpose(), b: weight('hidden', 'kernel') as Tensor2D, bias: weight('hidden', 'bias'), activation: 'relu' });
    const base = tf.fused.matMul({ a: hidden, b: weight('out', 'kernel') as Tensor2D, bias: weight('out', 'bias') });
    const carry = tf.fused.matMul({ a: hidden, b: weight('carry', 'kernel') as Tensor2D, bias: weight('carry', 'bias') });
    const carried = tf.mul(carry, tf.tensor2d(concat(lastCycle), [batch, m.horizon])).reshape([batch, m.horizon, 1]);
    return tf.add(base.reshape([batch, m.horizon, m.quantiles.length]), carried).reshape([batch, m.horizon * m.quantiles.length]);
  });
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return out;
}

/**
 * Fine-tunes the model in the page on the merchant's own series (pinball loss on random windows).
 * Mutates and returns `model`; cancel with `signal`.
 */
export async function fineTuneTrendModel(model: TrendModel, series: number[][], options: LongTaskOptions & { steps?: number; learningRate?: number } = {}): Promise<{ loss: number }> {
  if (!Array.isArray(series) || !series.length) throw invalidInput('fineTuneTrendModel needs at least one series.');
  const m = model.manifest;
  const usable = series.filter((s) => Array.isArray(s) && s.length >= 16 && s.every((v) => typeof v === 'number' && Number.isFinite(v)) && s.some((v) => v !== 0));
  if (!usable.length) throw invalidInput('fineTuneTrendModel needs series of ≥ 16 finite numbers, not all zero.');
  const periods = usable.map((s) => networkPeriod(s, undefined));
  const { tf } = await ensureRuntime();
  const steps = options.steps ?? 50;
  const progress = progressReporter(options.onProgress);
  const optimizer = tf.train.adam(options.learningRate ?? 3e-4);
  const q = tf.tensor(m.quantiles).reshape([1, 1, -1]);
  let seed = 12345;
  const random = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  let last = NaN;
  try {
    for (let step = 0; step < steps; step++) {
      throwIfAborted(options.signal);
      const batch = Array.from({ length: 32 }, () => {
        const k = Math.floor(random() * usable.length);
        const s = usable[k];
        const cut = 8 + Math.floor(random() * (s.length - 9));
        const w = makeWindow(m, s, cut, periods[k])!;
        const target = new Float32Array(m.horizon);
        const mask = new Float32Array(m.horizon);
        const clip = m.normalisation.clip;
        for (let h = 0; h < m.horizon && cut + h < s.length; h++) {
          const ratio = (s[cut + h] + w.shift) / (w.season[m.window + h] * w.level);
          if (!(ratio > 0)) continue;
          target[h] = Math.min(clip, Math.max(-clip, Math.log(ratio)));
          mask[h] = 1;
        }
        return { w, target, mask };
      });
      const past = tf.tensor3d(concat(batch.map((b) => b.w.past)), [batch.length, m.window, pastChannels(m)]);
      const future = tf.tensor3d(concat(batch.map((b) => b.w.future)), [batch.length, m.horizon, m.covariates]);
      const lastCycle = tf.tensor2d(concat(batch.map((b) => b.w.lastCycle)), [batch.length, m.horizon]);
      const target = tf.tensor3d(concat(batch.map((b) => b.target)), [batch.length, m.horizon, 1]);
      const mask = tf.tensor3d(concat(batch.map((b) => b.mask)), [batch.length, m.horizon, 1]);
      const loss = optimizer.minimize(() => {
        const prediction = model.network.apply([past, future, lastCycle], { training: true }) as import('@tensorflow/tfjs').Tensor;
        const diff = target.sub(prediction);
        const pinball = tf.maximum(diff.mul(q), diff.mul(q.sub(1))).mul(mask);
        return pinball.sum().div(mask.sum().mul(m.quantiles.length).add(1e-6)) as import('@tensorflow/tfjs').Scalar;
      }, true);
      last = (await loss!.data())[0];
      tf.dispose([past, future, lastCycle, target, mask, loss!]);
      progress.report('fine-tune', step + 1, steps, 'steps');
      await yieldToEventLoop();
    }
  } finally {
    q.dispose();
    optimizer.dispose();
  }
  return { loss: last };
}
