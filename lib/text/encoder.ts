import { encoderThreadCount, env as storecastEnv, isNode, joinUrl } from '../config.js';
import { StorecastError, throwIfAborted } from '../errors.js';
import { defaultModelBase, diagnoseServedFile, readJson, readModelFile, verifySha256 } from '../io.js';
import { probeWebGpu } from '../runtime/probe.js';
import { progressReporter, type LongTaskOptions } from '../progress.js';
import { createUseRunner, USE_TOKENIZER, type UseModelConfig } from './use-encoder.js';
import { vocabularyScripts } from './scripts.js';

/** The encoder shipped in public/models/: Universal Sentence Encoder lite, int8 weights. */
export const DEFAULT_ENCODER = 'storecast-use-lite';

export interface EncoderOptions {
  /**
   * Model folder name under baseUrl (Hugging Face layout). Default 'storecast-use-lite'. Any
   * BERT-family feature-extraction folder works too (mean pooling of last_hidden_state).
   */
  model?: string;
  /** Where model folders are served. Default env.modelBaseUrl (same origin). */
  baseUrl?: string;
  /** 'auto' picks WebGPU on a real GPU and WASM otherwise (never a software GPU). */
  device?: 'auto' | 'webgpu' | 'wasm' | 'cpu';
  /**
   * ONNX weights variant: 'q8' (onnx/model_quantized.onnx: int8 weights, float compute), 'uint8'
   * (onnx/model_uint8.onnx: integer compute, about twice as fast on wasm), 'fp32' (onnx/model.onnx).
   * Default 'auto': 'uint8' on wasm where the model folder lists it in sha256.json, 'q8' otherwise.
   */
  dtype?: 'auto' | 'q8' | 'uint8' | 'fp32';
}

/**
 * Whether a wasm encoder runs in a worker of its own (onnxruntime-web's proxy), beside the page:
 * env.encoderWorker, where the runtime has workers.
 */
export const encoderHasOwnThread = (): boolean => storecastEnv.encoderWorker && typeof Worker !== 'undefined';

export interface Encoder {
  /** `model@sha256-prefix`: cache keys and saved price models name the exact weights. */
  id: string;
  device: string;
  /** The weights file it runs (see EncoderOptions.dtype). */
  dtype: WeightsDtype;
  dims: number;
  maxTokens: number;
  run(texts: string[]): Promise<Float32Array[]>;
  /**
   * Tokens the model reads for a text (at most maxTokens), where the encoder can count them cheaply:
   * embedText sorts by it so that a batch is padded as little as possible. Absent: characters.
   */
  tokenCount?(text: string): number;
  /**
   * Writing scripts its vocabulary covers ('Latin', 'Han', ...; scripts.ts): text in other scripts
   * reaches the model as unknown pieces. Absent where every script is readable (byte-level vocabularies).
   */
  scripts?: readonly string[];
}

export type WeightsDtype = 'q8' | 'uint8' | 'fp32';
const WEIGHTS_FILE: Record<WeightsDtype, string> = { q8: 'onnx/model_quantized.onnx', uint8: 'onnx/model_uint8.onnx', fp32: 'onnx/model.onnx' };
const REQUIRED_FILES = (dtype: WeightsDtype): string[] => ['config.json', 'tokenizer.json', 'tokenizer_config.json', WEIGHTS_FILE[dtype]];

async function chooseDevice(requested: EncoderOptions['device']): Promise<string> {
  if (requested && requested !== 'auto') return requested;
  if (isNode) return 'cpu';
  const gpu = await probeWebGpu();
  return gpu.available && !gpu.software ? 'webgpu' : 'wasm';
}

const loaded = new Map<string, Promise<Encoder>>();

/** Loads (once per model/device) a transformers.js feature-extraction pipeline from local files only. */
export function loadEncoder(options: EncoderOptions = {}, task: LongTaskOptions = {}): Promise<Encoder> {
  const key = JSON.stringify([options.model, options.baseUrl, options.device, options.dtype, storecastEnv.modelBaseUrl]);
  let promise = loaded.get(key);
  if (!promise) {
    promise = createEncoder(options, task);
    loaded.set(key, promise);
    // A failed load is not cached: the next call may succeed once the files are fixed.
    promise.catch(() => loaded.delete(key));
  }
  return promise;
}

async function createEncoder(options: EncoderOptions, task: LongTaskOptions): Promise<Encoder> {
  const model = options.model ?? DEFAULT_ENCODER;
  if (typeof model !== 'string' || !/^[\w.@-]+(\/[\w.@-]+)?$/.test(model)) throw new StorecastError('INVALID_INPUT', `encoder.model must be a folder name like 'storecast-use-lite', got ${JSON.stringify(model)}.`);
  if (options.dtype !== undefined && options.dtype !== 'auto' && !Object.hasOwn(WEIGHTS_FILE, options.dtype)) throw new StorecastError('INVALID_INPUT', `encoder.dtype must be 'auto', 'q8', 'uint8' or 'fp32', got ${JSON.stringify(options.dtype)}.`);
  const base = options.baseUrl ?? (storecastEnv.modelBaseUrl === '/models/' ? await defaultModelBase() : storecastEnv.modelBaseUrl);
  const folder = joinUrl(base, model + '/');
  // Our own models publish sha256 sums; a user-hosted model may not, and is then loaded unverified.
  const sums = await readJson<Record<string, string>>(joinUrl(folder, 'sha256.json'), { signal: task.signal }).catch((error: unknown) => {
    if (model === DEFAULT_ENCODER) throw error;
    return undefined;
  });
  const device = await chooseDevice(options.device);
  // Integer compute pays off on wasm; WebGPU and onnxruntime-node run the float-compute file.
  const dtype: WeightsDtype = options.dtype && options.dtype !== 'auto' ? options.dtype : device === 'wasm' && sums?.[WEIGHTS_FILE.uint8] ? 'uint8' : 'q8';
  const files = new Map<string, Uint8Array>();
  const names = REQUIRED_FILES(dtype);
  // One phase in files (fractional while a file downloads): byte totals are unknown until each file starts.
  const progress = progressReporter(task.onProgress);
  for (const [i, name] of names.entries()) {
    throwIfAborted(task.signal);
    const url = joinUrl(folder, name);
    const bytes = await readModelFile(url, { signal: task.signal, onProgress: (p) => progress.report('load-encoder', i + p.fraction, names.length, 'files') });
    await verifySha256(bytes, sums?.[name], url);
    files.set(name, bytes);
  }
  // The uint8 file is the integer-compute form of the same int8 weights (cosine ≥ 0.9996 to them): it
  // carries their id, so a price model trained in Node loads in a browser that runs the uint8 file.
  const idFile = dtype === 'uint8' && sums?.[WEIGHTS_FILE.q8] ? WEIGHTS_FILE.q8 : names[3];
  const weightsHash = sums?.[idFile]?.slice(0, 12) ?? `unverified-${files.get(names[3])!.length}`;
  const transformers = await import('@huggingface/transformers');
  const tenv = transformers.env;
  tenv.allowRemoteModels = false;
  tenv.allowLocalModels = true;
  tenv.useBrowserCache = false;
  tenv.useFSCache = false;
  // The verified bytes are handed over through a cache, so transformers.js never fetches a file itself.
  tenv.useCustomCache = true;
  tenv.customCache = {
    match: async (request: string | Request) => {
      const url = typeof request === 'string' ? request : request.url;
      for (const [name, bytes] of files) if (url.includes(model) && url.endsWith(`/${name}`)) return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(bytes.length) } });
      return undefined;
    },
    put: async () => {},
  } as unknown as typeof tenv.customCache;
  tenv.localModelPath = base.endsWith('/') ? base : base + '/';
  const onnx = tenv.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number; proxy?: boolean } };
  if (!isNode && onnx.wasm) {
    onnx.wasm.wasmPaths = { mjs: joinUrl(storecastEnv.wasmBaseUrl, 'ort-wasm-simd-threaded.asyncify.mjs'), wasm: joinUrl(storecastEnv.wasmBaseUrl, 'ort-wasm-simd-threaded.asyncify.wasm') };
    // Threads need a cross-origin isolated page; their workers start from the .mjs above (same
    // origin, so `worker-src 'self'` allows them). env.encoderThreads, default min(4, cores) there.
    onnx.wasm.numThreads = encoderThreadCount();
    // transformers.js turns the proxy off when it loads; onnxruntime reads it when its wasm starts.
    onnx.wasm.proxy = encoderHasOwnThread();
  }
  (tenv as { useWasmCache?: boolean }).useWasmCache = false;
  const parseFile = <T>(name: string): T => {
    try {
      return JSON.parse(new TextDecoder().decode(files.get(name))) as T;
    } catch (error) {
      throw new StorecastError('MODEL_LOAD_FAILED', `Model file ${joinUrl(folder, name)} is not valid JSON (corrupt or truncated).`, { cause: error });
    }
  };
  const config = parseFile<{ hidden_size?: number; max_position_embeddings?: number; storecast?: UseModelConfig }>('config.json');
  const tokenizerConfig = parseFile<{ model_max_length?: number }>('tokenizer_config.json');
  const maxTokens = Math.min(tokenizerConfig.model_max_length ?? 512, config.max_position_embeddings ?? 512);
  let run: Encoder['run'];
  let tokenCount: Encoder['tokenCount'];
  try {
    // A model that names storecast's USE tokenizer is tokenised exactly as the original; others go
    // through transformers.js' feature-extraction pipeline (its tokenizer, mean pooling).
    if (config.storecast?.tokenizer === USE_TOKENIZER) ({ run, tokenCount } = await createUseRunner(transformers, model, files.get('tokenizer.json')!, config.storecast, { dtype, device, maxTokens }));
    else run = await createPipelineRunner(transformers, model, dtype, device);
  } catch (error) {
    if (error instanceof StorecastError) throw error;
    // onnxruntime-web fetches its wasm itself: when that file is the problem, say so rather than blame the model.
    const wasmProblem = !isNode && device === 'wasm' ? await diagnoseServedFile(joinUrl(storecastEnv.wasmBaseUrl, 'ort-wasm-simd-threaded.asyncify.wasm'), 'wasmBaseUrl') : undefined;
    if (wasmProblem) throw new StorecastError('MODEL_LOAD_FAILED', `The text encoder '${model}' could not start on wasm: ${wasmProblem}`, { cause: error });
    throw new StorecastError('MODEL_LOAD_FAILED', `The text encoder '${model}' could not start on ${device}: ${error instanceof Error ? error.message : String(error)}. The model files may be corrupt or not a BERT-family feature-extraction model.`, { cause: error });
  }
  const scripts = readableScripts(parseFile<TokenizerJson>('tokenizer.json'));
  return { id: `${model}@${weightsHash}`, device, dtype, dims: config.hidden_size ?? 0, maxTokens, run, ...(tokenCount ? { tokenCount } : {}), ...(scripts ? { scripts } : {}) };
}

/** The parts of tokenizer.json that say which scripts a vocabulary covers. */
interface TokenizerJson { model?: { vocab?: Array<[string, number]> | Record<string, number> }; pre_tokenizer?: { type?: string; pretokenizers?: Array<{ type?: string }> } }

/** The scripts a tokenizer.json's vocabulary covers; undefined for byte-level vocabularies (they read any script) or one without a vocabulary. */
function readableScripts(tokenizer: TokenizerJson): string[] | undefined {
  const pre = tokenizer.pre_tokenizer;
  if (pre?.type === 'ByteLevel' || pre?.pretokenizers?.some((p) => p.type === 'ByteLevel')) return undefined;
  const vocab = tokenizer.model?.vocab;
  if (!vocab) return undefined;
  return vocabularyScripts(Array.isArray(vocab) ? vocab.map(([piece]) => piece) : Object.keys(vocab));
}

async function createPipelineRunner(transformers: typeof import('@huggingface/transformers'), model: string, dtype: WeightsDtype, device: string): Promise<Encoder['run']> {
  const extractor = await transformers.pipeline('feature-extraction', model, { dtype, device: device as 'wasm' });
  return async (texts) => {
    const output = await extractor(texts, { pooling: 'mean', normalize: true });
    const [count, dims] = output.dims as [number, number];
    const data = output.data as Float32Array;
    const vectors = Array.from({ length: count }, (_, i) => data.slice(i * dims, (i + 1) * dims));
    output.dispose?.();
    return vectors;
  };
}
