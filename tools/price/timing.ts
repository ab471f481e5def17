// Training time per catalog as the benchmark measures it: encoder loaded, a warm-up training
// first (JIT), cold embedding cache. Usage: npx tsx tools/price/timing.ts superstore amazon_india
import { trainPriceModel, clearEmbeddingCache } from '../../lib/index.js';
import { priceCatalogs } from '../../bench/price-data.js';

const names = process.argv.slice(2);
const catalogs = priceCatalogs().filter((c) => names.includes(c.name));
await trainPriceModel(catalogs[0].train.slice(0, 200), {}).catch(() => undefined);
for (const c of catalogs) {
  for (let run = 0; run < 2; run++) {
    await clearEmbeddingCache();
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    const model = await trainPriceModel(c.train);
    const used = process.cpuUsage(cpu);
    // CPU seconds too: on a shared machine the wall clock measures the neighbours as much as the code.
    console.log(`${c.name} run ${run}: ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU`);
    model.dispose();
  }
}
process.exit(0);
