import fc from 'fast-check';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { startGateway, type TestGateway } from '../../helpers/gateway';

/**
 * Hostile input over real HTTP: random and hand-made bodies, queries, variables, ids and filters. Every answer is
 * an HTTP 4xx with a coded JSON body, or a GraphQL answer whose errors all carry a code (never INTERNAL, never a
 * stack, never a 5xx, never a hang); the gateway stays healthy and its heap returns to its baseline.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const TIMEOUT_MS = 15_000;
const RUNS = 120;

interface Answer {
  status: number;
  text: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('hostile input', () => {
  let gw: TestGateway;
  let baseline: number;

  const send = async (init: RequestInit & { path?: string } = {}): Promise<Answer> => {
    const res = await fetch(gw.url + (init.path ?? ''), { method: 'POST', ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { status: res.status, text: await res.text() };
  };
  const post = (body: unknown, headers: Record<string, string> = JSON_HEADERS) => send({ headers, body: JSON.stringify(body) });

  /** The contract every answer keeps. Returns the codes seen, for assertions on specific cases. */
  function expectCoded(a: Answer, label: string): string[] {
    const where = `${label}: ${a.status} ${a.text.slice(0, 300)}`;
    if (a.status >= 500) throw new Error(`5xx for ${where}`);
    expect(a.text).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    let body: { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
    try {
      body = JSON.parse(a.text);
    } catch {
      throw new Error(`not JSON: ${where}`);
    }
    if (a.status >= 400 || body.errors !== undefined) {
      if (!Array.isArray(body.errors) || body.errors.length === 0) throw new Error(`no errors array: ${where}`);
      const codes = body.errors.map((e) => e.extensions?.code);
      if (codes.some((c) => typeof c !== 'string')) throw new Error(`uncoded error: ${where}`);
      if (codes.includes('INTERNAL')) throw new Error(`INTERNAL error: ${where}`);
      return codes as string[];
    }
    expect(a.status).toBe(200);
    return [];
  }

  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };

  beforeAll(async () => {
    gw = await startGateway({ env: { PORTAL_SCHEMA: 'false' } });
    // Warm up (schema, caches, code paths) before the baseline.
    expectCoded(await post({ query: '{ account { portalId } contacts(first: 5) { nodes { firstname } } }' }), 'warm-up');
    expectCoded(await post({ query: '{ nope' }), 'warm-up');
    baseline = heap();
  });
  afterAll(async () => {
    await gw.close();
  });

  describe('properties (fast-check)', () => {
    test('random JSON bodies', async () => {
      await fc.assert(fc.asyncProperty(fc.jsonValue(), async (body) => void expectCoded(await post(body), `body ${JSON.stringify(body).slice(0, 100)}`)), { numRuns: RUNS });
    });

    test('random objects shaped like GraphQL requests', async () => {
      const request = fc.record({ query: fc.oneof(fc.string(), fc.jsonValue()), variables: fc.jsonValue(), operationName: fc.oneof(fc.string(), fc.jsonValue()), extensions: fc.jsonValue() }, { requiredKeys: [] });
      await fc.assert(fc.asyncProperty(request, async (body) => void expectCoded(await post(body), `request ${JSON.stringify(body).slice(0, 100)}`)), { numRuns: RUNS });
    });

    test('random query strings, from GraphQL-ish tokens and from any unicode', async () => {
      const token = fc.constantFrom('{', '}', '(', ')', '[', ']', ':', '...', '@include(if: true)', 'query', 'mutation', 'subscription', 'fragment F on Contact', '...F', 'on', 'account', 'portalId', 'contacts', 'nodes', 'firstname', 'contact(id: "1")', 'first: 5', '$x', '"str"', '1e309', 'a:', '#', '\n', ',');
      const graphqlish = fc.array(token, { maxLength: 60 }).map((t) => t.join(' '));
      await fc.assert(fc.asyncProperty(fc.oneof(graphqlish, fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), async (query) => void expectCoded(await post({ query }), `query ${JSON.stringify(query).slice(0, 120)}`)), { numRuns: RUNS });
    });

    test('random variables for a real operation', async () => {
      const query = 'query Q($id: ID!, $first: Int, $q: String, $props: [String!]) { contact(id: $id) { firstname properties(names: $props) } searchContacts(query: $q, first: $first) { nodes { firstname } } }';
      const variables = fc.record({ id: fc.jsonValue(), first: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)), q: fc.jsonValue(), props: fc.jsonValue() }, { requiredKeys: [] });
      await fc.assert(fc.asyncProperty(fc.oneof(variables, fc.jsonValue()), async (v) => void expectCoded(await post({ query, variables: v }), `variables ${JSON.stringify(v).slice(0, 120)}`)), { numRuns: RUNS });
    });

    test('random ids and search filters reach HubSpot (the emulator) and come back coded', async () => {
      const operator = fc.constantFrom('EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN');
      const filter = fc.record({ propertyName: fc.oneof(fc.constantFrom('email', 'firstname', 'createdate', 'hs_object_id', 'amount'), fc.string({ maxLength: 30 })), operator, value: fc.option(fc.string({ maxLength: 30 })), highValue: fc.option(fc.string({ maxLength: 10 })), values: fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 })) }, { requiredKeys: ['propertyName', 'operator'] });
      const filterGroups = fc.array(fc.record({ filters: fc.array(filter, { maxLength: 4 }) }), { maxLength: 4 });
      const sorts = fc.array(fc.record({ propertyName: fc.string({ maxLength: 20 }), direction: fc.constantFrom('ASCENDING', 'DESCENDING') }), { maxLength: 2 });
      const query = 'query S($id: ID!, $fg: [FilterGroupInput!], $sorts: [SortInput!], $after: String) { contact(id: $id) { firstname } searchContacts(filterGroups: $fg, sorts: $sorts, after: $after, first: 3) { nodes { firstname } } }';
      const args = fc.record({ id: fc.oneof(fc.string({ maxLength: 40 }), fc.nat().map(String), fc.constantFrom('-1', '0', '1e308', '../../etc/passwd', '%00', '1 OR 1=1', '\u202e1')), fg: filterGroups, sorts, after: fc.option(fc.string({ maxLength: 20 })) });
      await fc.assert(fc.asyncProperty(args, async (v) => void expectCoded(await post({ query, variables: v }), `search ${JSON.stringify(v).slice(0, 160)}`)), { numRuns: RUNS });
    });
  });

  describe('hand-written cases', () => {
    const cases: Array<[string, () => Promise<Answer>, (status: number, codes: string[]) => void]> = [
      ['malformed JSON', () => send({ headers: JSON_HEADERS, body: '{"query": "{ account { portalId } }"' }), (s, c) => expect([s, c]).toEqual([400, ['BAD_REQUEST']])],
      ['invalid UTF-8 in a JSON body', () => send({ headers: JSON_HEADERS, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }), (s) => expect(s).toBe(400)],
      ['an empty body', () => send({ headers: JSON_HEADERS, body: '' }), (s) => expect(s).toBe(400)],
      ['text/plain', () => send({ headers: { 'content-type': 'text/plain' }, body: '{"query":"{ account { portalId } }"}' }), (s, c) => expect([s, c]).toEqual([415, ['UNSUPPORTED_MEDIA_TYPE']])],
      ['form-urlencoded', () => send({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B%7D' }), (s) => expect(s).toBe(415)],
      ['XML', () => send({ headers: { 'content-type': 'application/xml' }, body: '<query/>' }), (s) => expect(s).toBe(415)],
      ['no content type', () => send({ body: new Uint8Array([1, 2, 3]) }), (s) => expect(s).toBe(415)],
      ['multipart garbage', () => send({ headers: { 'content-type': 'multipart/form-data; boundary=x', 'apollo-require-preflight': '1' }, body: '--x\r\ngarbage' }), (s) => expect(s).toBe(400)],
      ['a charset body-parser does not read', () => send({ headers: { 'content-type': 'application/json; charset=utf-7' }, body: '{}' }), (s) => expect(s).toBeGreaterThanOrEqual(400)],
      ['a gzip body that is not gzip', () => send({ headers: { ...JSON_HEADERS, 'content-encoding': 'gzip' }, body: 'not gzip' }), (s) => expect(s).toBe(400)],
      ['a batch (off)', () => post([{ query: '{ account { portalId } }' }]), (s) => expect(s).toBe(400)],
      ['PUT', () => send({ method: 'PUT', headers: JSON_HEADERS, body: '{}' }), (s) => expect(s).toBe(405)],
      ['GET without the CSRF header', () => send({ method: 'GET', path: '?query=%7B%20account%20%7B%20portalId%20%7D%20%7D' }), (s) => expect(s).toBe(400)],
      ['GET with bad extensions', () => send({ method: 'GET', path: '?query=%7B%7D&extensions=%7Bnot-json', headers: { 'apollo-require-preflight': '1' } }), (s) => expect(s).toBe(400)],
      ['a body over MAX_BODY_BYTES', () => post({ query: `{ account { portalId } } #${'x'.repeat(1_100_000)}` }), (s) => expect(s).toBe(413)],
      ['variables over MAX_VARIABLES_BYTES', () => post({ query: 'query($q: String) { searchContacts(query: $q) { nodes { firstname } } }', variables: { q: 'x'.repeat(300_000) } }), (s, c) => expect([s, c]).toEqual([413, ['BAD_USER_INPUT']])],
      ['a huge query (900 KB of fields)', () => post({ query: `{ account { ${'portalId '.repeat(100_000)} } }` }), (s) => expect(s).toBe(400)],
      ['deep nesting (3000 levels)', () => post({ query: `{ ${'contacts { nodes { companies { nodes { '.repeat(750)} hs_object_id ${'} } } }'.repeat(750)} }` }), (s) => expect(s).toBe(400)],
      ['deep nesting in a variable value', () => send({ headers: JSON_HEADERS, body: `{"query":"query($fg: [FilterGroupInput!]) { searchContacts(filterGroups: $fg) { nodes { firstname } } }","variables":{"fg":${'['.repeat(5000)}${']'.repeat(5000)}}}` }), (s, c) => expect([s, c]).toEqual([400, ['BAD_USER_INPUT']])],
      ['deep nesting in a JSON body', () => send({ headers: JSON_HEADERS, body: `{"query":"{ account { portalId } }","extensions":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}` }), () => undefined], // unused extensions: the query runs
      ['deep nesting in an argument literal', () => post({ query: `{ searchContacts(query: ${'['.repeat(3000)}"x"${']'.repeat(3000)}) { nodes { firstname } } }` }), (s) => expect(s).toBe(400)],
      ['an alias bomb', () => post({ query: `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: account { portalId }`).join(' ')} }` }), (s) => expect(s).toBe(400)],
      ['a fragment bomb (each fragment spreads the previous twice)', () => post({ query: `{ account { ...F30 } } fragment F0 on Account { a: portalId } ${Array.from({ length: 30 }, (_, i) => `fragment F${i + 1} on Account { ...F${i} ...F${i} }`).join(' ')}` }), (s) => expect(s).toBe(400)],
      ['cyclic fragments', () => post({ query: '{ account { ...A } } fragment A on Account { ...B } fragment B on Account { ...A }' }), (s) => expect(s).toBe(400)],
      ['a directive bomb', () => post({ query: `{ account ${'@include(if: true) '.repeat(5000)} { portalId } }` }), (s) => expect(s).toBe(400)],
      ['many operations, none chosen', () => post({ query: Array.from({ length: 500 }, (_, i) => `query Q${i} { account { portalId } }`).join(' ') }), (s) => expect(s).toBe(400)],
      ['a costly operation', () => post({ query: '{ contacts(first: 100) { nodes { companies(first: 100) { nodes { deals(first: 100) { nodes { dealname } } } } } } }' }), (_s, c) => expect(c).toEqual(['COST_LIMIT'])],
      ['an invalid id', () => post({ query: '{ contact(id: "../../crm/v3/objects/contacts") { firstname } }' }), (_s, c) => expect(c.length).toBeGreaterThan(0)],
      ['a wrong argument type', () => post({ query: '{ contacts(first: "ten") { nodes { firstname } } }' }), (s, c) => expect([s, c]).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']])],
      ['an out-of-range Int', () => post({ query: 'query($n: Int) { contacts(first: $n) { nodes { firstname } } }', variables: { n: 2 ** 53 } }), (s, c) => expect([s, c]).toEqual([400, ['BAD_USER_INPUT']])],
      ['an unknown filter operator', () => post({ query: '{ searchContacts(filterGroups: [{ filters: [{ propertyName: "email", operator: LIKE, value: "%" }] }]) { nodes { firstname } } }' }), (s) => expect(s).toBe(400)],
      ['a filter on an unknown property', () => post({ query: '{ searchContacts(filterGroups: [{ filters: [{ propertyName: "no_such_property", operator: EQ, value: "x" }] }]) { nodes { firstname } } }' }), () => undefined],
      ['odd unicode: NUL, lone surrogates, RTL override, zero-width, emoji', () => post({ query: 'query($q: String, $id: ID!) { searchContacts(query: $q) { nodes { firstname } } contact(id: $id) { firstname } }', variables: { q: '\u0000\ud800\u202e\u200b😀', id: '\udfff\u0000' } }), () => undefined],
      ['odd unicode in the document', () => send({ headers: JSON_HEADERS, body: '{"query":"{ account\\u0000 { portalId\\ud800 } }"}' }), (s) => expect(s).toBe(400)],
      ['a persisted query with a wrong hash', () => post({ query: '{ account { portalId } }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }), (s, c) => expect([s, c]).toEqual([400, ['BAD_REQUEST']])],
      ['a persisted query with a malformed hash', () => post({ extensions: { persistedQuery: { version: 1, sha256Hash: { $gt: '' } } } }), (s) => expect(s).toBe(400)],
      ['a subscription over HTTP', () => post({ query: 'subscription { contactCreated { firstname } }' }), (s) => expect(s).toBeGreaterThanOrEqual(400)],
      ['a CORS preflight from an unknown origin', () => send({ method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } }), (s, c) => expect([s, c]).toEqual([403, ['FORBIDDEN']])],
    ];

    test.each(cases)('%s', async (label, request, check) => {
      const answer = await request();
      const codes = expectCoded(answer, label);
      check(answer.status, codes);
    });
  });

  test('the gateway stays healthy and its heap returns to the baseline', async () => {
    const health = await fetch(gw.url.replace(/\/graphql$/, '/healthz'), { signal: AbortSignal.timeout(TIMEOUT_MS) });
    expect(await health.json()).toEqual({ status: 'ok' });
    expectCoded(await post({ query: '{ account { portalId } }' }), 'after');
    const grown = heap() - baseline;
    expect(grown).toBeLessThan(30 * 1024 * 1024);
  });
});
