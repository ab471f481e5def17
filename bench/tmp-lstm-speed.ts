import { init } from '../lib/index.js';
import { loadTrendModel } from '../lib/trend/neural/index.js';
import { loadTf } from '../lib/runtime/index.js';
for (const backend of ['wasm', 'cpu']) {
  await init({ backend } as never);
  const tf = await loadTf();
  const model = await loadTrendModel();
  for (const n of [256, 1024]) {
    const past = tf.randomNormal([n, 64, 4]);
    const fut = tf.zeros([n, 48, 2]);
    for (let r = 0; r < 2; r++) {
      const t0 = performance.now();
      const out = model.network.predict([past, fut]) as any;
      await out.data();
      out.dispose();
      console.log(backend, tf.getBackend(), n, (performance.now() - t0).toFixed(0), 'ms');
    }
    tf.dispose([past, fut]);
  }
  model.dispose();
}
