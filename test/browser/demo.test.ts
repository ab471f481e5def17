// The demo dashboard as a merchant uses it; screenshots of each view go to test/artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { artifactsDir, chromiumAvailable, startHarness, stopAll, type Harness } from './harness.js';

describe.skipIf(!chromiumAvailable)('demo dashboard', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ path: '/demo/' }); });
  afterAll(async () => { await h?.close(); await stopAll(); });

  it('shows the runtime and the privacy note, suggests prices with comparables, draws the forecast', async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 900 });
    // Which backend depends on the machine's GPU (runtime.test.ts tests the choice with a faked adapter): here, that one is shown with why.
    await page.waitForFunction(() => !!document.getElementById('runtime')?.dataset.backend, undefined, { timeout: 120_000 });
    const backend = await page.locator('#runtime').getAttribute('data-backend');
    expect(['webgpu', 'webgl', 'wasm']).toContain(backend);
    if (backend !== 'webgpu') expect(await page.locator('#runtime').getAttribute('title')).toMatch(/webgpu skipped: /);
    await page.click('#train');
    await page.waitForFunction(() => /Trained on/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 300_000 });
    await page.locator('#catalog-body tr').nth(2).click();
    await expect.poll(() => page.locator('#comparables tbody tr').count()).toBe(5);
    // The sample shop records units sold, so the model has a second head for them.
    expect(await page.locator('#expected-units').textContent()).toMatch(/sold about \d+ units/);
    const suggested = await page.locator('#catalog-body tr').first().locator('td').nth(3).textContent();
    expect(suggested).toMatch(/^\$[\d,]+\.\d\d$/);
    expect(await page.locator('#privacy').textContent()).toMatch(/all to 127\.0\.0\.1/);
    await page.screenshot({ path: join(artifactsDir(), 'demo-catalog.png') });

    await page.click('nav button[data-view=forecast]');
    await page.waitForFunction(() => /Expected to/.test(document.getElementById('trend-summary')?.textContent ?? ''), undefined, { timeout: 120_000 });
    expect(await page.locator('#chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#members').textContent()).toMatch(/Model: /);
    await page.screenshot({ path: join(artifactsDir(), 'demo-forecast.png') });
    expect(h.offOrigin).toEqual([]);
  });

  it('recommends a price from the sales history within the guardrails, with curves and reasons', async () => {
    const page = h.page;
    await page.click('nav button[data-view=pricing]');
    await page.waitForFunction(() => /^\$/.test(document.getElementById('pricing-price')?.textContent ?? ''), undefined, { timeout: 120_000 });
    expect(await page.locator('#view-pricing canvas').count()).toBe(2);
    expect(await page.locator('#pricing-reasons li').count()).toBeGreaterThan(0);
    // A ±5% limit: the recommendation moves at most 5% from the current price.
    await page.selectOption('#pricing-change', '0.05');
    await expect.poll(async () => Math.abs(Number((await page.locator('#pricing-price span').textContent())!.replace('%', ''))), { timeout: 30_000 }).toBeLessThanOrEqual(5.05);
    await page.screenshot({ path: join(artifactsDir(), 'demo-pricing.png') });
  });

  it('imports a CSV catalog, and explains what is wrong with a bad one', async () => {
    const page = h.page;
    await page.click('nav button[data-view=import]');
    await page.setInputFiles('#csv-file', 'test/fixtures/catalog-bad.csv');
    await page.click('#use-csv');
    await expect.poll(() => page.locator('#import-result').textContent()).toMatch(/Row 3: price "free" has no digits[\s\S]*Row 4: empty title/);
    await page.screenshot({ path: join(artifactsDir(), 'demo-import-error.png') });
    await page.setInputFiles('#csv-file', 'test/fixtures/catalog-good.csv');
    await page.click('#use-csv');
    await expect.poll(() => page.locator('#import-result').textContent()).toMatch(/Loaded 25 products \(25 priced\)/);
    await page.click('nav button[data-view=catalog]');
    expect(await page.locator('#catalog-body tr').count()).toBe(25);
    await page.screenshot({ path: join(artifactsDir(), 'demo-import.png') });
  });
});
