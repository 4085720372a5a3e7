import { createHash, createHmac } from 'node:crypto';
import {
  canonicalV3Uri,
  deliverySignatureHeaders,
  MAX_TIMESTAMP_SKEW_MS,
  safeEqual,
  signatureV1,
  signatureV2,
  signatureV3,
  verifySignature,
  type SignatureVersion,
} from '../../../src/webhooks/signature';

/** The secret of HubSpot's published examples (developers.hubspot.com "Validating requests"). */
const DOC_SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const SECRET = 'app-client-secret';
const URI = 'https://hooks.example.com/webhooks/hubspot';
const BODY = JSON.stringify([{ eventId: 7, subscriptionId: 1, portalId: 111, appId: 424242, occurredAt: 1700000000000, subscriptionType: 'contact.creation', attemptNumber: 0, objectId: 51, changeSource: 'API', changeFlag: 'CREATED' }]);
const NOW = 1_760_000_000_000;

/** The formulas, written out independently of the module under test. */
const v1 = (secret: string, body: string) => createHash('sha256').update(secret + body, 'utf8').digest('hex');
const v2 = (secret: string, method: string, uri: string, body: string) => createHash('sha256').update(secret + method + uri + body, 'utf8').digest('hex');
const v3 = (secret: string, method: string, uri: string, body: string, ts: number | string) =>
  createHmac('sha256', secret).update(method + uri + body + String(ts), 'utf8').digest('base64');

/** A request as the receiver sees it. */
function request(headers: Record<string, string>, opts: { body?: string; uri?: string; method?: string } = {}) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: opts.method ?? 'POST', uri: opts.uri ?? URI, body: Buffer.from(opts.body ?? BODY, 'utf8'), header: (name: string) => lower[name.toLowerCase()] };
}
const v3Headers = (ts: number, sig = v3(SECRET, 'POST', URI, BODY, ts)) => ({ 'X-HubSpot-Signature-v3': sig, 'X-HubSpot-Request-Timestamp': String(ts) });
const verify = (req: ReturnType<typeof request>, versions: SignatureVersion[] = ['v3'], secret = SECRET, now = NOW) => verifySignature(req, secret, versions, now);

describe('signature formulas', () => {
  test("HubSpot's published v1 example (secret + body)", () => {
    const body = '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    expect(signatureV1(DOC_SECRET, body)).toBe('232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de');
  });

  test("HubSpot's published v2 examples (secret + method + URI + body)", () => {
    expect(signatureV2(DOC_SECRET, 'GET', 'https://www.example.com/webhook_uri', '')).toBe('eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e');
    expect(signatureV2(DOC_SECRET, 'POST', 'https://www.example.com/webhook_uri', '{"example_field":"example_value"}')).toBe('9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900');
  });

  test('v1, v2 and v3 match the formulas, for strings and raw bytes alike', () => {
    const body = '[{"propertyValue":"Zoë – 東京"}]';
    expect(signatureV1(SECRET, body)).toBe(v1(SECRET, body));
    expect(signatureV1(SECRET, Buffer.from(body))).toBe(v1(SECRET, body));
    expect(signatureV2(SECRET, 'POST', URI, Buffer.from(body))).toBe(v2(SECRET, 'POST', URI, body));
    expect(signatureV3(SECRET, 'POST', URI, Buffer.from(body), NOW)).toBe(v3(SECRET, 'POST', URI, body, NOW));
    expect(signatureV3(SECRET, 'POST', URI, body, String(NOW))).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  test('v3 URIs decode the characters HubSpot lists, and nothing else', () => {
    expect(canonicalV3Uri('https://h.example.com/a%3Ab%2Fc?q=%40x%2cy%3B%2A&s=%20%25%26')).toBe('https://h.example.com/a:b/c?q=@x,y;*&s=%20%25%26');
    expect(canonicalV3Uri("%21%24%27%28%29%3f")).toBe("!$'()?");
  });

  test('the delivery headers carry v3 with its timestamp and v1 with its version', () => {
    const headers = deliverySignatureHeaders(SECRET, { method: 'POST', uri: URI, body: BODY, timestamp: NOW });
    expect(headers).toEqual({
      'X-HubSpot-Signature-v3': v3(SECRET, 'POST', URI, BODY, NOW),
      'X-HubSpot-Request-Timestamp': String(NOW),
      'X-HubSpot-Signature': v1(SECRET, BODY),
      'X-HubSpot-Signature-Version': 'v1',
    });
  });
});

describe('verifySignature', () => {
  test('a valid v3 signature passes', () => {
    expect(verify(request(v3Headers(NOW)))).toEqual({ ok: true, version: 'v3' });
  });

  test('a wrong secret, a tampered body, another method or another URL fail', () => {
    const headers = v3Headers(NOW);
    expect(verify(request(headers), ['v3'], 'another-secret')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(request(headers, { body: BODY.replace('"objectId":51', '"objectId":52') }))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(request(headers, { method: 'PUT' }))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(request(headers, { uri: 'https://evil.example.com/webhooks/hubspot' }))).toEqual({ ok: false, reason: 'bad-signature' });
    // The timestamp is signed too: moving it within the window breaks the signature.
    expect(verify(request({ ...headers, 'X-HubSpot-Request-Timestamp': String(NOW - 1) }))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('URIs with a query and encoded characters: signed decoded (HubSpot) or exactly as received', () => {
    const received = 'https://hooks.example.com/webhooks/hubspot?tenant=a%3Ab&next=%2Fx%20y';
    const decodedUri = 'https://hooks.example.com/webhooks/hubspot?tenant=a:b&next=/x%20y';
    expect(verify(request(v3Headers(NOW, v3(SECRET, 'POST', decodedUri, BODY, NOW)), { uri: received }))).toEqual({ ok: true, version: 'v3' });
    expect(verify(request(v3Headers(NOW, v3(SECRET, 'POST', received, BODY, NOW)), { uri: received }))).toEqual({ ok: true, version: 'v3' });
    // %20 and %26 are not on HubSpot's list: a signature over their decoded form is not the request's.
    expect(verify(request(v3Headers(NOW, v3(SECRET, 'POST', 'https://hooks.example.com/webhooks/hubspot?tenant=a:b&next=/x y', BODY, NOW)), { uri: received }))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(request(v3Headers(NOW, v3(SECRET, 'POST', URI, BODY, NOW)), { uri: received }))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('the 5-minute window: its edges pass, one millisecond beyond either fails', () => {
    for (const ts of [NOW - MAX_TIMESTAMP_SKEW_MS, NOW + MAX_TIMESTAMP_SKEW_MS, NOW]) expect(verify(request(v3Headers(ts)))).toEqual({ ok: true, version: 'v3' });
    for (const ts of [NOW - MAX_TIMESTAMP_SKEW_MS - 1, NOW + MAX_TIMESTAMP_SKEW_MS + 1, NOW - 24 * 3_600_000]) {
      expect(verify(request(v3Headers(ts)))).toEqual({ ok: false, reason: 'stale-timestamp' });
    }
    expect(MAX_TIMESTAMP_SKEW_MS).toBe(300_000);
  });

  test('missing or unreadable headers', () => {
    expect(verify(request({}))).toEqual({ ok: false, reason: 'missing-signature' });
    expect(verify(request({ 'X-HubSpot-Signature-v3': v3(SECRET, 'POST', URI, BODY, NOW) }))).toEqual({ ok: false, reason: 'missing-timestamp' });
    for (const ts of ['soon', '1.7e12', '', '-1']) {
      expect(verify(request({ 'X-HubSpot-Signature-v3': v3(SECRET, 'POST', URI, BODY, ts), 'X-HubSpot-Request-Timestamp': ts }))).toMatchObject({ ok: false });
    }
    // v1 and v2 headers do not satisfy a receiver that accepts only v3.
    expect(verify(request({ 'X-HubSpot-Signature': v1(SECRET, BODY), 'X-HubSpot-Signature-Version': 'v1' }))).toEqual({ ok: false, reason: 'missing-signature' });
  });

  test('v1 and v2 when configured, by X-HubSpot-Signature-Version', () => {
    const legacy = (sig: string, version?: string) => request({ 'X-HubSpot-Signature': sig, ...(version ? { 'X-HubSpot-Signature-Version': version } : {}) });
    expect(verify(legacy(v1(SECRET, BODY), 'v1'), ['v1'])).toEqual({ ok: true, version: 'v1' });
    expect(verify(legacy(v1(SECRET, BODY)), ['v1'])).toEqual({ ok: true, version: 'v1' });
    expect(verify(legacy(v1(SECRET, BODY).toUpperCase(), 'v1'), ['v1'])).toEqual({ ok: true, version: 'v1' });
    expect(verify(legacy(v2(SECRET, 'POST', URI, BODY), 'v2'), ['v2'])).toEqual({ ok: true, version: 'v2' });
    expect(verify(legacy(v2(SECRET, 'POST', URI, BODY), 'v2'), ['v1'])).toEqual({ ok: false, reason: 'missing-signature' });
    expect(verify(legacy(v1('wrong', BODY), 'v1'), ['v1'])).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(legacy(v2(SECRET, 'POST', URI, BODY + ' '), 'v2'), ['v2'])).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('several versions: any valid one passes; the most telling failure is reported', () => {
    const both = { ...v3Headers(NOW), 'X-HubSpot-Signature': v1(SECRET, BODY), 'X-HubSpot-Signature-Version': 'v1' };
    expect(verify(request(both), ['v3', 'v1'])).toEqual({ ok: true, version: 'v3' });
    expect(verify(request({ ...both, 'X-HubSpot-Request-Timestamp': String(NOW - 10 * 60_000) }), ['v3', 'v1'])).toEqual({ ok: true, version: 'v1' });
    expect(verify(request({ ...both, 'X-HubSpot-Signature': v1('wrong', BODY) }), ['v1', 'v2'])).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(request(v3Headers(NOW - 10 * 60_000)), ['v3', 'v1'])).toEqual({ ok: false, reason: 'stale-timestamp' });
  });
});

describe('safeEqual', () => {
  test('equal, different, and different lengths (no exception: the unequal-length path)', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('abcd', 'abc')).toBe(false);
    expect(safeEqual('abc', '')).toBe(false);
    // Same number of characters, different number of bytes.
    expect(safeEqual('abc', 'ab€')).toBe(false);
  });

  test('unequal lengths still go through timingSafeEqual, on buffers of equal length', () => {
    // The module object itself (an ES namespace import is frozen); the code under test looks the function up on it.
    const spy = jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'timingSafeEqual');
    try {
      expect(safeEqual('expected-signature', 'short')).toBe(false);
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0]! as [Buffer, Buffer];
      expect(a.length).toBe(b.length);
    } finally {
      spy.mockRestore();
    }
  });

  test('a truncated or padded signature is refused, not thrown on', () => {
    const sig = v3(SECRET, 'POST', URI, BODY, NOW);
    expect(verify(request(v3Headers(NOW, sig.slice(0, -1))))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(request(v3Headers(NOW, `${sig}=`)))).toEqual({ ok: false, reason: 'bad-signature' });
  });
});
