// Browser half of bench/trend-speed.ts: forecastTrends (full ensemble, incl. the LSTM) on the first
// 200 M4 Hourly series in headless Chromium on wasm, as `npm run bench -- browser` times it, passes
// times over: npx tsx bench/trend-speed-browser.ts [passes] [--stat] [--workers=N|auto]
// (--workers: through createStorecast({ workers }), the list split across that many Web Workers)
// On Linux it also prints the renderer processes' CPU time per pass: on a shared machine it moves
// far less than the wall time.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startHarness, stopAll } from '../test/browser/harness.js';
import { readWide } from './data.js';

const passes = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 3);
const neural = !process.argv.includes('--stat');
const workersArg = process.argv.find((a) => a.startsWith('--workers='))?.slice(10);
const workers = workersArg === undefined ? undefined : workersArg === 'auto' ? 'auto' : Number(workersArg);

/** CPU milliseconds (user + system) of Chromium's renderer processes started by this process; undefined off Linux. */
function rendererCpu(): number | undefined {
  try {
    const rows = execSync('ps -eo pid=,ppid=').toString().trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    const tick = 1000 / Number(execSync('getconf CLK_TCK').toString().trim() || 100);
    let total = 0;
    for (let stack = [process.pid]; stack.length;) {
      const parent = stack.pop()!;
      for (const [pid, ppid] of rows) {
        if (ppid !== parent) continue;
        stack.push(pid);
        try {
          if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
          const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
          total += (Number(fields[11]) + Number(fields[12])) * tick;
        } catch {
          // gone since `ps` listed it (ps itself, for one)
        }
      }
    }
    return total;
  } catch {
    return undefined;
  }
}

const h = await startHarness();
try {
  const series = readWide('forecast/m4/Hourly-train.csv').slice(0, 200);
  const page = await h.newPage();
  await page.evaluate(async ({ series, neural, workers }) => {
    const lib = await window.load('/lib/index.ts');
    const sc = workers === undefined ? lib : await lib.createStorecast({ workers });
    await sc.init({ backend: 'wasm' });
    const inputs = series.map((values: number[]) => ({ values, frequency: 'hourly' }));
    await sc.forecastTrends(inputs.slice(0, 10), { horizon: 48, neural }); // warm-up: loads the LSTM (in each worker)
    Object.assign(window, { benchSc: sc, benchInputs: inputs });
  }, { series, neural, workers });
  const rates: number[] = [];
  const cpu: Array<number | undefined> = [];
  for (let pass = 0; pass < passes; pass++) {
    const c0 = rendererCpu();
    const ms = await page.evaluate(async (neural) => {
      const w = window as unknown as { benchSc: { forecastTrends(i: unknown, o: unknown): Promise<unknown> }; benchInputs: unknown };
      const t0 = performance.now();
      await w.benchSc.forecastTrends(w.benchInputs, { horizon: 48, neural });
      return performance.now() - t0;
    }, neural);
    const c1 = rendererCpu();
    rates.push(series.length / (ms / 1000));
    cpu.push(c0 !== undefined && c1 !== undefined ? (c1 - c0) / 1000 : undefined);
  }
  console.log(`Chromium wasm${workers === undefined ? '' : `, workers ${workers}`}, 200 M4 Hourly, ${neural ? 'full ensemble' : 'statistical only'}: ${rates.map((r) => r.toFixed(1)).join(', ')} series/s (first call, then steady)`);
  if (cpu.every((c) => c !== undefined)) console.log(`  renderer CPU per pass: ${cpu.map((c) => `${c!.toFixed(2)} s`).join(', ')} (${cpu.map((c) => (series.length / c!).toFixed(0)).join(', ')} series per CPU second)`);
  await page.close();
} finally {
  await stopAll();
}
