import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startGateway, type TestGateway } from '../helpers/gateway';

/**
 * The whole live path, with nothing stubbed: a mutation through the gateway → the emulator writes the record and
 * delivers a signed webhook (as HubSpot does) → the gateway's /webhooks/hubspot verifies it and publishes the
 * event → a graphql-ws subscriber receives it, with the record's current state read through the loaders.
 */
describe('mutation → emulator → signed webhook → gateway → graphql-ws subscriber', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // Deliveries batch for 200 ms in the emulator; the wait below allows several batches and a retry.
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  test('a contact created through the gateway reaches a subscriber within a bounded wait', async () => {
    const base = gw.url.replace(/\/graphql$/, '');
    const settings = await gw.query(`mutation { webhookSettingsUpdate(input: { targetUrl: "${base}/webhooks/hubspot", maxConcurrentRequests: 5 }) { userErrors { message } } }`);
    expect(settings.body.data.webhookSettingsUpdate.userErrors).toEqual([]);
    const sub = await gw.query('mutation { webhookSubscriptionCreate(input: { eventType: CONTACT_CREATION, active: true }) { userErrors { message } } }');
    expect(sub.body.data.webhookSubscriptionCreate.userErrors).toEqual([]);

    const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    const email = `live-${Date.now()}@example.com`;
    try {
      const received = new Promise<{ email: string; firstname: string } | null>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no event within 10 s')), 10_000);
        client.subscribe<{ contactCreated: { email: string; firstname: string } }>(
          { query: 'subscription { contactCreated { email firstname } }' },
          {
            next: (r) => {
              if (r.data?.contactCreated?.email === email) {
                clearTimeout(timer);
                resolve(r.data.contactCreated);
              }
            },
            error: (e) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(JSON.stringify(e)))),
            complete: () => undefined,
          },
        );
      });
      await gw.untilSubscribed(1);
      const created = await gw.query(`mutation { contactCreate(input: { properties: { email: "${email}", firstname: "Live" } }) { userErrors { message } } }`);
      expect(created.body.data.contactCreate.userErrors).toEqual([]);
      expect(await received).toEqual({ email, firstname: 'Live' });
      // The emulator's delivery log shows a signed delivery that the gateway accepted.
      const log = (await gw.emulator.api('GET', '/__emulator/webhook-deliveries')).body.results as Array<{ status: number; subscriptionTypes: string[] }>;
      expect(log.some((d) => d.subscriptionTypes.includes('contact.creation') && d.status >= 200 && d.status < 300)).toBe(true);
    } finally {
      await client.dispose();
    }
  });
});
