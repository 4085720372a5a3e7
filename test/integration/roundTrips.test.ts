/**
 * Round trips, not only calls: a nested association level reads its associations in the same round as its records
 * (the association pages are keyed by the parent's id, which the level above already gave), so a query three
 * levels deep waits on four rounds of HubSpot calls, not five.
 *
 * A proxy between gateway and emulator holds every call and releases the held ones together once no new call has
 * come for a moment: each release is one round, whatever the machine's speed.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type TestEmulator } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

/** Calls issued together by the gateway arrive within a few ms; this much quiet closes a round. */
const QUIET_MS = 150;

class RoundProxy {
  readonly rounds: string[][] = [];
  private held: Array<{ label: string; release: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private server: Server | undefined;

  constructor(private readonly upstream: string) {}

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.hold(req).then(async (body) => {
        const r = await fetch(`${this.upstream}${req.url}`, { method: req.method!, headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? 'application/json' }, ...(body.length ? { body: new Uint8Array(body) } : {}) });
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await r.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async hold(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const label = `${req.method} ${req.url!.split('?')[0]}`;
    await new Promise<void>((release) => {
      this.held.push({ label, release });
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.releaseRound(), QUIET_MS);
    });
    return Buffer.concat(chunks);
  }

  private releaseRound(): void {
    const round = this.held;
    this.held = [];
    this.rounds.push(round.map((h) => h.label).sort());
    for (const h of round) h.release();
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('round trips of nested queries', () => {
  let emulator: TestEmulator;
  let proxy: RoundProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    emulator = await startEmulator();
    proxy = new RoundProxy(emulator.url);
    gw = await startGateway({ baseUrl: await proxy.listen(), env: { PORTAL_SCHEMA: 'false' } });
  });
  afterAll(async () => {
    await gw.close();
    await proxy.close();
    await emulator.close();
  });

  beforeEach(() => {
    proxy.rounds.length = 0;
  });

  test('deals → contacts → companies: four rounds, the association reads of a level in the same round as its records', async () => {
    const res = await gw.query(`{ deals(first: 10) { nodes { dealname contacts(first: 5) { nodes { email companies(first: 3) { nodes { name } } } } } } }`);
    expect(res.body.errors).toBeUndefined();
    const contacts = res.body.data.deals.nodes.flatMap((d: { contacts: { nodes: unknown[] } }) => d.contacts.nodes);
    expect(contacts.length).toBeGreaterThan(0); // the seed links deals to contacts
    expect(proxy.rounds).toEqual([
      ['GET /crm/v3/objects/deals'],
      ['POST /crm/v4/associations/deals/contacts/batch/read'],
      ['POST /crm/v3/objects/contacts/batch/read', 'POST /crm/v4/associations/contacts/companies/batch/read'],
      ['POST /crm/v3/objects/companies/batch/read'],
    ]);
  });

  test('a record by id reads its associations alongside itself', async () => {
    const list = await gw.query('{ contacts(first: 1) { nodes { hs_object_id } } }');
    const contactId = list.body.data.contacts.nodes[0].hs_object_id as string;
    proxy.rounds.length = 0;
    const res = await gw.query(`query($id: ID!) { contact(id: $id) { email companies { nodes { name } } } }`, { id: contactId });
    expect(res.body.errors).toBeUndefined();
    expect(proxy.rounds[0]).toEqual(['POST /crm/v3/objects/contacts/batch/read', 'POST /crm/v4/associations/contacts/companies/batch/read']);
  });

  test('an association asked for from a cursor on is not read ahead (the cursor is only known to its field)', async () => {
    const res = await gw.query(`{ deals(first: 3) { nodes { contacts(first: 2) { nodes { companies(first: 1, after: "x") { nodes { name } } } } } } }`);
    // The cursor is refused by its own field; the point is that no first page was read ahead for it.
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(proxy.rounds.flat()).not.toContain('POST /crm/v4/associations/contacts/companies/batch/read');
  });
});
