import type { Browser } from 'playwright-core';
import { chromiumAvailable, CHROMIUM, launchChromium } from '../helpers/browser';
import { startGateway, type TestGateway } from '../helpers/gateway';

// In CI Chromium is installed by .ci/run; elsewhere this says why it does not run.
const run = chromiumAvailable || process.env.CI ? describe : describe.skip;
if (!chromiumAvailable) console.warn(`GraphiQL browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

run('GraphiQL in a real browser, offline', () => {
  let gw: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    gw = await startGateway();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  test('loads with no request leaving localhost, runs the default query and shows the answer', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (['127.0.0.1', 'localhost'].includes(url.hostname) || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      external.push(url.href);
      return route.abort();
    });
    await page.goto(gw.url, { waitUntil: 'load' });
    await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('portalId'), undefined, { timeout: 20_000 });
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/graphiql.png` });
    const response = await page.textContent('.graphiql-response');
    expect(response?.replace(/\s+/g, '')).toContain('"accountType":"STANDARD"');
    expect(external).toEqual([]);
  });
});
