import { createStorecast } from '../lib/index.js';

const app = document.getElementById('app')!;
app.innerHTML = `<header><h1>storecast</h1><span class="badge" id="runtime">starting…</span></header><main><p>Runtime:</p><pre id="info"></pre></main>`;
const storecast = await createStorecast({ worker: true });
const info = await storecast.init();
document.getElementById('runtime')!.textContent = `${info.backend}`;
document.getElementById('info')!.textContent = JSON.stringify(info, null, 2);
