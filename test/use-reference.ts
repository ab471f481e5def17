// Reference vectors from the original Universal Sentence Encoder lite (TF.js graph model with its
// own tokenizer) on the tfjs wasm backend: a reference that does not come from the ONNX runtimes
// (or this machine's native integer kernels) that the shipped encoder runs on.

/** One vector per text; undefined where the original returns none (it drops empty texts at the end of a batch). */
export async function useReferenceVectors(texts: string[], batchSize = 64): Promise<Array<Float32Array | undefined>> {
  // tfjs-backend-wasm's Emscripten glue turns every unhandled rejection into a crash in Node; the
  // listeners it adds are removed again once the original has run.
  const before = { rejection: process.listeners('unhandledRejection'), exception: process.listeners('uncaughtException') };
  try {
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    // @ts-expect-error plain-JS tool module
    const { loadTeacher } = (await import('../tools/encoder/teacher-embed.mjs')) as { loadTeacher(): Promise<{ embed(t: string[]): Promise<Float32Array> }> };
    const model = await loadTeacher();
    const out: Array<Float32Array | undefined> = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = texts.slice(start, start + batchSize);
      const data = await model.embed(batch);
      batch.forEach((_, i) => out.push((i + 1) * 512 <= data.length ? data.slice(i * 512, (i + 1) * 512) : undefined));
    }
    return out;
  } finally {
    for (const listener of process.listeners('unhandledRejection')) if (!before.rejection.includes(listener)) process.removeListener('unhandledRejection', listener);
    for (const listener of process.listeners('uncaughtException')) if (!before.exception.includes(listener)) process.removeListener('uncaughtException', listener);
  }
}
