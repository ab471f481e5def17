import { StorecastError } from '../errors.js';
import { UseTokenizer, type VocabEntry } from './use-tokenizer.js';
import type { WeightsDtype } from './encoder.js';

type Transformers = typeof import('@huggingface/transformers');

/** `config.json` → `storecast.tokenizer` of a model that storecast tokenises itself. */
export const USE_TOKENIZER = 'use-sentencepiece';

export interface UseModelConfig {
  tokenizer?: string;
  /** Ids 0..reserved-1 are unknown and control pieces, never matched in text. */
  reserved_ids?: number;
  /** Graph output holding the sentence vectors. */
  output?: string;
}

/** Token id lists → padded int64 `input_ids` and `attention_mask` rows (padding id 2, mask 0). */
export function batchInputs(idLists: number[][], maxTokens: number, padId = 2): { inputIds: BigInt64Array; attentionMask: BigInt64Array; shape: [number, number] } {
  const rows = idLists.map((ids) => ids.slice(0, maxTokens));
  // At least one column: an empty text is a row with no attended token (the model returns a fixed vector).
  const width = Math.max(1, ...rows.map((r) => r.length));
  const inputIds = new BigInt64Array(rows.length * width).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(rows.length * width);
  rows.forEach((ids, row) => ids.forEach((id, col) => { inputIds[row * width + col] = BigInt(id); attentionMask[row * width + col] = 1n; }));
  return { inputIds, attentionMask, shape: [rows.length, width] };
}

export function parseUseTokenizer(tokenizerJson: Uint8Array, reserved: number): UseTokenizer {
  const parsed = JSON.parse(new TextDecoder().decode(tokenizerJson)) as { model?: { type?: string; vocab?: VocabEntry[] } };
  const vocab = parsed.model?.vocab;
  if (parsed.model?.type !== 'Unigram' || !Array.isArray(vocab) || vocab.length <= reserved) throw new Error('tokenizer.json has no Unigram vocabulary');
  return new UseTokenizer(vocab, reserved);
}

/**
 * Runs a Universal-Sentence-Encoder-style model through transformers.js' model API with ids from
 * storecast's exact USE tokenizer (transformers.js' own Unigram tokenizer differs on score ties),
 * and reads the sentence vectors from the graph output named in config.json.
 */
export async function createUseRunner(transformers: Transformers, model: string, tokenizerJson: Uint8Array, config: UseModelConfig, options: { dtype: WeightsDtype; device: string; maxTokens: number }): Promise<{ run: (texts: string[]) => Promise<Float32Array[]>; tokenCount: (text: string) => number }> {
  let tokenizer: UseTokenizer;
  try {
    tokenizer = parseUseTokenizer(tokenizerJson, config.reserved_ids ?? 6);
  } catch (error) {
    throw new StorecastError('MODEL_LOAD_FAILED', `The tokenizer of text encoder '${model}' is unreadable: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  }
  const network = await transformers.AutoModel.from_pretrained(model, { dtype: options.dtype, device: options.device as 'wasm' });
  const outputName = config.output ?? 'sentence_embedding';
  const tokenCount = (text: string): number => Math.min(tokenizer.encode(text).length, options.maxTokens);
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const { inputIds, attentionMask, shape } = batchInputs(texts.map((t) => tokenizer.encode(t)), options.maxTokens);
    const inputs = { input_ids: new transformers.Tensor('int64', inputIds, shape), attention_mask: new transformers.Tensor('int64', attentionMask, shape) };
    const outputs = (await network(inputs)) as Record<string, InstanceType<Transformers['Tensor']>>;
    const sentences = outputs[outputName];
    if (!sentences) throw new StorecastError('MODEL_LOAD_FAILED', `The text encoder '${model}' has no output '${outputName}'.`);
    const dims = sentences.dims[1];
    const data = sentences.data as Float32Array;
    const vectors = texts.map((_, i) => data.slice(i * dims, (i + 1) * dims));
    for (const tensor of [...Object.values(outputs), ...Object.values(inputs)]) tensor.dispose?.();
    return vectors;
  };
  return { run, tokenCount };
}
