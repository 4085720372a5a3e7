import type { HubSpotClient } from '../../../src/hubspot/client';
import type { AssociationBatchReadResult, BatchResponse, StandardError } from '../../../src/hubspot/types';
import { AssociationLoader } from '../../../src/loaders/associations';

type Input = { id: string; after?: string };
type Answer = (inputs: Input[]) => BatchResponse<AssociationBatchReadResult> | Promise<BatchResponse<AssociationBatchReadResult>>;

/**
 * A HubSpotClient with only `associations.batchRead`. By default every source `n` has two associated records,
 * `n01` and `n02` on its first page (with a cursor to a second page) and `n03` on the page after `c-n`.
 */
function fakeHubSpot(answer: Answer = (inputs) => envelope(inputs.map(pageOf))) {
  const sent: Input[][] = [];
  const client = {
    associations: {
      batchRead: async (_from: string, _to: string, inputs: readonly Input[]) => {
        sent.push(inputs.map((i) => ({ ...i })));
        return answer([...inputs]);
      },
    },
  } as unknown as HubSpotClient;
  return { client, sent };
}

const type = { category: 'HUBSPOT_DEFINED' as const, typeId: 279, label: null };

function pageOf(input: Input): AssociationBatchReadResult {
  if (input.after === `c-${input.id}`) return { from: { id: input.id }, to: [{ toObjectId: `${input.id}03`, associationTypes: [type] }] };
  return {
    from: { id: input.id },
    to: [`${input.id}01`, `${input.id}02`].map((toObjectId) => ({ toObjectId, associationTypes: [type] })),
    paging: { next: { after: `c-${input.id}` } },
  };
}

const envelope = (results: AssociationBatchReadResult[], errors: StandardError[] = []): BatchResponse<AssociationBatchReadResult> => ({
  status: 'COMPLETE',
  results,
  startedAt: '2024-01-01T00:00:00.000Z',
  completedAt: '2024-01-01T00:00:00.000Z',
  ...(errors.length ? { numErrors: errors.length, errors } : {}),
});

/** How HubSpot says a source has no associations of the asked type: a 207 item error, not an empty result. */
const noAssociations = (id: string): StandardError => ({
  status: 'error',
  category: 'OBJECT_NOT_FOUND',
  message: `No company is associated with contact ${id}.`,
  context: { fromObjectId: [id], fromObjectType: ['contact'], toObjectType: ['company'] },
});

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => String(from + i));
const toIds = (page: { items: Array<{ toId: string }> }) => page.items.map((i) => i.toId);

describe('AssociationLoader: batching', () => {
  test('first pages asked in one tick make one v4 batch read; duplicate keys are one input', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    const pages = await Promise.all([loader.load('1'), loader.load('2'), loader.load('1')]);
    expect(sent).toEqual([[{ id: '1' }, { id: '2' }]]);
    expect(pages.map(toIds)).toEqual([['101', '102'], ['201', '202'], ['101', '102']]);
    expect(pages[0]).toEqual({ items: [{ toId: '101', types: [type] }, { toId: '102', types: [type] }], nextAfter: 'c-1' });
  });

  test('1,500 sources make 2 reads of at most 1,000, each source asked once', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    const pages = await Promise.all(ids(1500).map((id) => loader.load(id)));
    expect(sent.map((call) => call.length)).toEqual([1000, 500]);
    expect(new Set(sent.flat().map((i) => i.id)).size).toBe(1500);
    expect(pages.every((p, i) => p.items[0]!.toId === `${i + 1}01`)).toBe(true);
  });

  test('per-record paging: a load with `after` sends {id, after}; HubSpot paging.next.after becomes nextAfter', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    const first = await loader.load('7');
    const second = await loader.load('7', first.nextAfter);
    expect(sent).toEqual([[{ id: '7' }], [{ id: '7', after: 'c-7' }]]);
    expect(toIds(second)).toEqual(['703']);
    expect(second.nextAfter).toBeUndefined();
  });

  test('the same id with two `after` values in one tick goes to two calls, each answer to its own page', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    const [firstPage, nextPage, other] = await Promise.all([loader.load('7'), loader.load('7', 'c-7'), loader.load('8')]);
    expect(sent).toHaveLength(2);
    for (const call of sent) expect(new Set(call.map((i) => i.id)).size).toBe(call.length);
    expect(sent.flat()).toEqual(expect.arrayContaining([{ id: '7' }, { id: '7', after: 'c-7' }, { id: '8' }]));
    expect([toIds(firstPage), toIds(nextPage), toIds(other)]).toEqual([['701', '702'], ['703'], ['801', '802']]);
  });

  test('follow-up pages of many sources asked in one tick share one call', async () => {
    const { client, sent } = fakeHubSpot();
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    await Promise.all(ids(3).map((id) => loader.load(id, `c-${id}`)));
    expect(sent).toEqual([ids(3).map((id) => ({ id, after: `c-${id}` }))]);
  });
});

describe('AssociationLoader: abuse (answers out of order, partial, failed)', () => {
  test('results returned out of order (numeric toObjectIds, missing labels) land on their own sources', async () => {
    const { client } = fakeHubSpot((inputs) =>
      envelope(
        [...inputs].reverse().map((i) => ({
          from: { id: i.id },
          to: [{ toObjectId: Number(`${i.id}0`), associationTypes: [{ category: 'USER_DEFINED', typeId: 9 } as never] }],
        })),
      ),
    );
    const loader = new AssociationLoader(client, 'deals', 'contacts');
    const pages = await Promise.all(['3', '1', '2'].map((id) => loader.load(id)));
    expect(pages.map(toIds)).toEqual([['30'], ['10'], ['20']]);
    expect(pages[0]!.items[0]!.types).toEqual([{ category: 'USER_DEFINED', typeId: 9, label: null }]);
  });

  test("a 207 OBJECT_NOT_FOUND (HubSpot's 'no associations') is an empty page, not an error", async () => {
    const { client } = fakeHubSpot((inputs) => envelope(inputs.filter((i) => i.id !== '2').map(pageOf), [noAssociations('2')]));
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    const pages = await Promise.all(['1', '2', '3'].map((id) => loader.load(id)));
    expect(pages.map(toIds)).toEqual([['101', '102'], [], ['301', '302']]);
    expect(pages[1]).toEqual({ items: [] });
  });

  test('a 207 item error of another category fails that source only, with UPSTREAM_ERROR', async () => {
    const denied: StandardError = { status: 'error', category: 'VALIDATION_ERROR', message: 'invalid', context: { ids: ['2'] } };
    const { client } = fakeHubSpot((inputs) => envelope(inputs.filter((i) => i.id !== '2').map(pageOf), [denied]));
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    const results = await Promise.allSettled(['1', '2', '3'].map((id) => loader.load(id)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { extensions: { code: 'UPSTREAM_ERROR', hubspot: { category: 'VALIDATION_ERROR' } } } });
  });

  test('a whole-call failure fails only the keys of that call', async () => {
    const failure = new Error('connection reset');
    const { client, sent } = fakeHubSpot((inputs) => {
      if (inputs.some((i) => i.id === '1200')) throw failure;
      return envelope(inputs.map(pageOf));
    });
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    const results = await Promise.allSettled(ids(1500).map((id) => loader.load(id)));
    const failed = ids(1500).filter((_, i) => results[i]!.status === 'rejected');
    expect(failed).toEqual(sent.find((call) => call.some((i) => i.id === '1200'))!.map((i) => i.id));
    expect(failed).toHaveLength(500);
    expect(results.every((r) => r.status === 'fulfilled' || r.reason === failure)).toBe(true);
  });

  test('a failed follow-up page fails that page only, not the first page of the same source', async () => {
    const { client } = fakeHubSpot((inputs) => {
      if (inputs.some((i) => i.after)) throw new Error('page failed');
      return envelope(inputs.map(pageOf));
    });
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    const [first, next] = await Promise.allSettled([loader.load('7'), loader.load('7', 'c-7')]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { nextAfter: 'c-7' } });
    expect(next).toMatchObject({ status: 'rejected', reason: { message: 'page failed' } });
  });

  test('results and errors about sources that were not asked for touch no key', async () => {
    const { client } = fakeHubSpot((inputs) => envelope([...inputs.map(pageOf), pageOf({ id: '99' })], [noAssociations('98')]));
    const loader = new AssociationLoader(client, 'contacts', 'companies');
    const pages = await Promise.all(['1', '2'].map((id) => loader.load(id)));
    expect(pages.map(toIds)).toEqual([['101', '102'], ['201', '202']]);
  });
});
