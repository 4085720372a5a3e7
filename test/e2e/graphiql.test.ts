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

  test('loads with no request leaving localhost, runs the default CRM query and shows the answer', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (['127.0.0.1', 'localhost'].includes(url.hostname) || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      external.push(url.href);
      return route.abort();
    });
    await page.goto(gw.url, { waitUntil: "load" });
    await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
    // GraphiQL also sends an introspection query; wait for the one that runs the editor's operation.
    const answer = page.waitForResponse((r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes('ContactsCompaniesDeals'), { timeout: 20_000 });
    await page.click('.graphiql-execute-button');
    const response = await (await answer).json();
    // The answer is shown in the result pane (which renders only its visible lines).
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('firstname'), undefined, { timeout: 20_000 });
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/graphiql.png` });
    expect(response.errors).toBeUndefined();
    expect(response.data.contacts.nodes.length).toBeGreaterThan(0);
    expect(response.data.contacts.nodes.some((c: { companies: { edges: unknown[] } }) => c.companies.edges.length > 0)).toBe(true);
    expect(response.extensions.cost.actual).toBeGreaterThan(0);
    expect(response.extensions.cost.estimated).toBeGreaterThanOrEqual(response.extensions.cost.actual);
    expect(external).toEqual([]);
  });
});
