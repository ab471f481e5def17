// The demo dashboard as a merchant uses it; screenshots of each view go to test/artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { largeCatalogCsv } from '../large-catalog-csv.js';
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
    await page.locator('#catalog-body tr[data-index]').nth(2).click();
    await expect.poll(() => page.locator('#comparables tbody tr').count()).toBe(5);
    // The sample shop records units sold, so the model has a second head for them.
    expect(await page.locator('#expected-units').textContent()).toMatch(/sold about \d+ units/);
    const suggested = await page.locator('#catalog-body tr[data-index]').first().locator('td').nth(3).textContent();
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
    expect(await page.locator('#catalog-body tr[data-index]').count()).toBe(25);
    await page.screenshot({ path: join(artifactsDir(), 'demo-import.png') });
  });

  it('keeps a 30,000-product catalog to a screenful of rows in the page, scrolls to the last one and answers its click', async () => {
    const page = h.page;
    // The sample shop's products as 30,000 rows (numbered variants), imported as a merchant would.
    const { csv, title } = largeCatalogCsv(30_000);
    await page.click('nav button[data-view=import]');
    await page.setInputFiles('#csv-file', { name: 'large.csv', mimeType: 'text/csv', buffer: csv });
    await page.click('#use-csv');
    await expect.poll(() => page.locator('#import-result').textContent(), { timeout: 30_000 }).toMatch(/Loaded 30000 products \(30000 priced\)/);
    await page.click('nav button[data-view=catalog]');
    expect(await page.locator('#status').textContent()).toMatch(/^30,000 products/);
    const rendered = await page.locator('#catalog-body tr[data-index]').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(120);

    await page.locator('#catalog-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const last = page.locator('#catalog-body tr[data-index="29999"]');
    await last.waitFor({ timeout: 10_000 });
    expect(await page.locator('#catalog-body tr[data-index]').count()).toBeLessThan(120);
    // Rows sit where the arithmetic puts them: the last one is inside the scrolled viewport.
    const [box, view] = await Promise.all([last.boundingBox(), page.locator('#catalog-scroll').boundingBox()]);
    expect(box!.y + box!.height).toBeLessThanOrEqual(view!.y + view!.height + 1);
    expect(box!.y).toBeGreaterThanOrEqual(view!.y);
    await last.click();
    await expect.poll(() => page.locator('#selected-title').textContent()).toBe(title(29_999));
    expect(await page.locator('#catalog-body tr.selected').getAttribute('data-index')).toBe('29999');
    await page.screenshot({ path: join(artifactsDir(), 'demo-large-catalog.png') });
  });
});
