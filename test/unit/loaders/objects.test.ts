import { GraphQLError } from 'graphql';
import type { HubSpotClient } from '../../../src/hubspot/client';
import { HubSpotError } from '../../../src/hubspot/errors';
import type { BatchResponse, SimplePublicObject, StandardError } from '../../../src/hubspot/types';
import { Loaders } from '../../../src/loaders';
import { ObjectLoader } from '../../../src/loaders/objects';

/** One batch read as the loader sent it. */
interface Sent {
  objectType: string;
  ids: string[];
  properties: string[];
  history: string[];
}

type Answer = (call: Sent) => BatchResponse<SimplePublicObject> | Promise<BatchResponse<SimplePublicObject>>;

/** A HubSpotClient with only `objects.batchRead`, answering with `answer` and recording every call. */
function fakeHubSpot(answer: Answer = (call) => batch(call.ids.map((id) => record(id, call.properties)))) {
  const sent: Sent[] = [];
  const client = {
    objects: {
      batchRead: async (objectType: string, ids: readonly string[], opts: { properties?: readonly string[]; propertiesWithHistory?: readonly string[] } = {}) => {
        const call = { objectType, ids: [...ids], properties: [...(opts.properties ?? [])], history: [...(opts.propertiesWithHistory ?? [])] };
        sent.push(call);
        return answer(call);
      },
    },
  } as unknown as HubSpotClient;
  return { client, sent };
}

/** A record whose every property value names the property and the record (`email-7`). */
const record = (id: string, properties: readonly string[] = []): SimplePublicObject => ({
  id,
  properties: Object.fromEntries([['hs_object_id', id], ...properties.map((p) => [p, `${p}-${id}`])]),
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-02T00:00:00.000Z',
  archived: false,
});

const batch = (results: SimplePublicObject[], errors: StandardError[] = []): BatchResponse<SimplePublicObject> => ({
  status: 'COMPLETE',
  results,
  startedAt: '2024-01-01T00:00:00.000Z',
  completedAt: '2024-01-01T00:00:00.000Z',
  ...(errors.length ? { numErrors: errors.length, errors } : {}),
});

const notFound = (ids: string[]): StandardError => ({
  status: 'error',
  category: 'OBJECT_NOT_FOUND',
  message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
  context: { ids },
});

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => String(from + i));
/** Lets the loaders' scheduler send what is pending (it waits for promise jobs, then a tick). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ObjectLoader: batching', () => {
  test('loads of one tick become one batch read asking for the union of their properties', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new ObjectLoader(client, 'contacts');
    const [a, b, c] = await Promise.all([
      loader.load({ id: '1', properties: ['email'] }),
      loader.load({ id: '2', properties: ['firstname', 'email'] }),
      loader.load({ id: '3', properties: [] }),
    ]);
    expect(sent).toEqual([{ objectType: 'contacts', ids: ['1', '2', '3'], properties: ['email', 'firstname'], history: [] }]);
    expect([a.id, b.id, c.id]).toEqual(['1', '2', '3']);
    expect(b.properties).toMatchObject({ email: 'email-2', firstname: 'firstname-2' });
  });

  test('duplicate keys: the same id asked several times, with the same or other properties, is one input', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new ObjectLoader(client, 'companies');
    const loads = await Promise.all([
      loader.load({ id: '7', properties: ['name'] }),
      loader.load({ id: '7', properties: ['name'] }),
      loader.load({ id: '7', properties: ['domain'] }),
      loader.load({ id: '8', properties: ['name'] }),
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.ids).toEqual(['7', '8']);
    expect(sent[0]!.properties).toEqual(['domain', 'name']);
    expect(loads.map((r) => r.id)).toEqual(['7', '7', '7', '8']);
    expect(loads[2]!.properties.domain).toBe('domain-7');
  });

  test('250 distinct ids make 3 batch reads of at most 100, every id asked exactly once', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new ObjectLoader(client, 'companies');
    const records = await Promise.all(ids(250).map((id) => loader.load({ id, properties: ['name'] })));
    expect(sent.map((c) => c.ids.length)).toEqual([100, 100, 50]);
    expect(sent.flatMap((c) => c.ids).sort()).toEqual(ids(250).sort());
    expect(records.map((r) => r.properties.name)).toEqual(ids(250).map((id) => `name-${id}`));
  });

  test('property history lowers the batch to 50 ids: 120 ids make 3 reads, all carrying the history asked anywhere', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new ObjectLoader(client, 'deals');
    await Promise.all(ids(120).map((id, i) => loader.load({ id, properties: ['dealname'], history: i === 0 ? ['dealstage'] : [] })));
    expect(sent.map((c) => c.ids.length)).toEqual([50, 50, 20]);
    expect(sent.every((c) => c.history.join() === 'dealstage' && c.properties.join() === 'dealname')).toBe(true);
  });
});

describe('ObjectLoader: abuse (results, errors and keys HubSpot gets wrong or partial)', () => {
  test('results returned out of order, with an unasked record among them, land on their own keys', async () => {
    const { client } = fakeHubSpot((call) => batch([record('999', call.properties), ...[...call.ids].reverse().map((id) => record(id, call.properties))]));
    const loader = new ObjectLoader(client, 'contacts');
    const asked = ['5', '3', '9', '1'];
    const records = await Promise.all(asked.map((id) => loader.load({ id, properties: ['email'] })));
    expect(records.map((r) => [r.id, r.properties.email])).toEqual(asked.map((id) => [id, `email-${id}`]));
  });

  test('results are matched by id, never by position: one missing result shifts nothing', async () => {
    const { client } = fakeHubSpot((call) => batch(call.ids.filter((id) => id !== '2').map((id) => record(id, call.properties))));
    const loader = new ObjectLoader(client, 'contacts');
    const results = await Promise.allSettled(['1', '2', '3'].map((id) => loader.load({ id, properties: ['email'] })));
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { id: '1', properties: { email: 'email-1' } } });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: { id: '3', properties: { email: 'email-3' } } });
    // Neither reported nor returned: that key alone is NOT_FOUND.
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { extensions: { code: 'NOT_FOUND', objectType: 'contacts', id: '2' } } });
  });

  test('a 207 with OBJECT_NOT_FOUND for some ids fails those keys with NOT_FOUND and resolves the rest', async () => {
    const missing = ['2', '4'];
    const { client } = fakeHubSpot((call) => batch(call.ids.filter((id) => !missing.includes(id)).map((id) => record(id, call.properties)), [notFound(missing)]));
    const loader = new ObjectLoader(client, 'contacts');
    const results = await Promise.allSettled(ids(5).map((id) => loader.load({ id, properties: [] })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    const reason = (results[3] as PromiseRejectedResult).reason as GraphQLError;
    expect(reason).toBeInstanceOf(GraphQLError);
    expect(reason.extensions).toEqual({ code: 'NOT_FOUND', objectType: 'contacts', id: '4' });
  });

  test('a 207 item error of another category is UPSTREAM_ERROR for that id only', async () => {
    const { client } = fakeHubSpot((call) =>
      batch(call.ids.filter((id) => id !== '2').map((id) => record(id)), [{ status: 'error', category: 'VALIDATION_ERROR', message: 'bad', context: { ids: ['2'] } }]),
    );
    const loader = new ObjectLoader(client, 'contacts');
    const results = await Promise.allSettled(['1', '2'].map((id) => loader.load({ id, properties: [] })));
    expect(results[0]!.status).toBe('fulfilled');
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { extensions: { code: 'UPSTREAM_ERROR', hubspot: { category: 'VALIDATION_ERROR' } } } });
  });

  test('an item error naming an id that was not asked for touches no key', async () => {
    const { client } = fakeHubSpot((call) => batch(call.ids.map((id) => record(id)), [notFound(['404'])]));
    const loader = new ObjectLoader(client, 'contacts');
    await expect(Promise.all(['1', '2'].map((id) => loader.load({ id, properties: [] })))).resolves.toHaveLength(2);
  });

  test('a whole-call failure fails only the keys of that chunk', async () => {
    const failure = new HubSpotError({ status: 502, category: 'HTTP_502', message: 'bad gateway', operation: 'POST /crm/v3/objects/{objectType}/batch/read' });
    const { client, sent } = fakeHubSpot((call) => {
      if (call.ids.includes('150')) throw failure;
      return batch(call.ids.map((id) => record(id)));
    });
    const loader = new ObjectLoader(client, 'contacts');
    const results = await Promise.allSettled(ids(250).map((id) => loader.load({ id, properties: [] })));
    expect(sent).toHaveLength(3);
    const failed = ids(250).filter((_, i) => results[i]!.status === 'rejected');
    expect(failed).toEqual(sent.find((c) => c.ids.includes('150'))!.ids);
    expect(failed).toHaveLength(100);
    expect(results.every((r) => r.status === 'fulfilled' || r.reason === failure)).toBe(true);
  });

  test('a failed key stays failed for the request; other keys of the same id with other properties are read again', async () => {
    let fail = true;
    const { client, sent } = fakeHubSpot((call) => {
      if (fail) throw new Error('down');
      return batch(call.ids.map((id) => record(id, call.properties)));
    });
    const loader = new ObjectLoader(client, 'contacts');
    await expect(loader.load({ id: '1', properties: ['email'] })).rejects.toThrow('down');
    fail = false;
    await expect(loader.load({ id: '1', properties: ['email'] })).rejects.toThrow('down');
    await expect(loader.load({ id: '1', properties: ['phone'] })).resolves.toMatchObject({ properties: { phone: 'phone-1' } });
    expect(sent).toHaveLength(2);
  });
});

describe('ObjectLoader: records already read', () => {
  test('a primed record with enough properties answers without a call; one asking for more is read', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new ObjectLoader(client, 'contacts');
    loader.prime({ objectType: 'contacts', id: '1', properties: { email: 'listed@x.com' }, propertiesWithHistory: {}, createdAt: '', updatedAt: '', archived: false }, ['email']);
    await expect(loader.load({ id: '1', properties: ['email'] })).resolves.toMatchObject({ properties: { email: 'listed@x.com' } });
    expect(sent).toHaveLength(0);
    await expect(loader.load({ id: '1', properties: ['email', 'phone'] })).resolves.toMatchObject({ properties: { phone: 'phone-1' } });
    await expect(loader.load({ id: '1', properties: [], history: ['email'] })).resolves.toMatchObject({ id: '1' });
    expect(sent.map((c) => [c.properties, c.history])).toEqual([[['email', 'phone'], []], [[], ['email']]]);
  });

  test('loads made while a batch is in flight wait for it and then go out together', async () => {
    const gate = deferred();
    const { client, sent } = fakeHubSpot(async (call) => {
      await gate.promise;
      return batch(call.ids.map((id) => record(id, call.properties)));
    });
    const loader = new ObjectLoader(client, 'companies');
    const first = loader.load({ id: '1', properties: ['name'] });
    await settle();
    const second = loader.load({ id: '2', properties: ['name'] });
    await settle();
    const third = loader.load({ id: '3', properties: ['domain'] });
    // Answered by the read in flight: costs nothing once it lands.
    const sameRecord = loader.load({ id: '1', properties: [] });
    await settle();
    expect(sent.map((c) => c.ids)).toEqual([['1']]);
    gate.resolve();
    await Promise.all([first, second, third, sameRecord]);
    expect(sent.map((c) => [c.ids, c.properties])).toEqual([
      [['1'], ['name']],
      [['2', '3'], ['domain', 'name']],
    ]);
  });
});

describe('the loaders of one request send one batch per type and level', () => {
  /** A fake whose reads of the gated types wait until the test opens the gate. */
  function gatedHubSpot(gates: Record<string, { promise: Promise<void> }>) {
    return fakeHubSpot(async (call) => {
      await gates[call.objectType]?.promise;
      return batch(call.ids.map((id) => record(id, call.properties)));
    });
  }

  test('a company reached from two answers that arrive at different times is read once, with the union of properties', async () => {
    const gates = { contacts: deferred(), deals: deferred() };
    const { client, sent } = gatedHubSpot(gates);
    const loaders = new Loaders(client);
    const viaContact = loaders.object('contacts').load({ id: '1', properties: [] }).then(() => loaders.object('companies').load({ id: '9', properties: ['name'] }));
    const viaDeal = loaders.object('deals').load({ id: '2', properties: [] }).then(() => loaders.object('companies').load({ id: '9', properties: ['domain'] }));
    await settle();
    gates.contacts.resolve();
    await settle();
    await settle();
    // The contact's answer is in, the deal's is not: the company waits for the rest of its level.
    expect(sent.map((c) => c.objectType)).toEqual(['contacts', 'deals']);
    gates.deals.resolve();
    const [a, b] = await Promise.all([viaContact, viaDeal]);
    expect(a).toBe(b);
    expect(sent.filter((c) => c.objectType === 'companies')).toEqual([{ objectType: 'companies', ids: ['9'], properties: ['domain', 'name'], history: [] }]);
  });

  test('a read made outside the loaders (a list) does not hold a lookup of the same level, but what it causes waits for that lookup', async () => {
    const gates = { deals: deferred() };
    const list = deferred();
    const { client, sent } = gatedHubSpot(gates);
    const loaders = new Loaders(client);
    const listed = loaders.track(() => list.promise).then(() => loaders.object('companies').load({ id: '9', properties: ['name'] }));
    const looked = loaders.object('deals').load({ id: '2', properties: [] }).then(() => loaders.object('companies').load({ id: '9', properties: ['phone'] }));
    await settle();
    expect(sent.map((c) => c.objectType)).toEqual(['deals']);
    list.resolve();
    await settle();
    await settle();
    expect(sent.map((c) => c.objectType)).toEqual(['deals']);
    gates.deals.resolve();
    await Promise.all([listed, looked]);
    expect(sent.map((c) => [c.objectType, c.properties])).toEqual([
      ['deals', []],
      ['companies', ['name', 'phone']],
    ]);
  });

  test('loaders of different requests never share batches or records', async () => {
    const { client, sent } = fakeHubSpot();
    const [one, two] = [new Loaders(client), new Loaders(client)];
    await Promise.all([one.object('contacts').load({ id: '1', properties: ['email'] }), two.object('contacts').load({ id: '1', properties: ['email'] })]);
    await two.object('contacts').load({ id: '1', properties: ['email'] });
    expect(sent.map((c) => c.ids)).toEqual([['1'], ['1']]);
  });
});
