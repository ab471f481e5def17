// Runs in the test page (loaded with window.load): a storecast worker pool whose workers count the
// items of the list results they send back, so a test can see that every worker took a part.
import type { Storecast } from '../../lib/worker/index.js';

export async function countingPool(sc: { createStorecast(o: object): Promise<Storecast> }, workers: number): Promise<{ pool: Storecast; answers: number[] }> {
  const answers: number[] = [];
  const pool = await sc.createStorecast({
    workers,
    createWorker: () => {
      const index = answers.push(0) - 1;
      const worker = new Worker(new URL('/lib/worker/worker.ts', location.href), { type: 'module' });
      worker.addEventListener('message', (e: MessageEvent<{ kind: string; value: unknown }>) => { if (e.data.kind === 'result' && Array.isArray(e.data.value)) answers[index] += e.data.value.length; });
      return worker;
    },
  });
  return { pool, answers };
}
