import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { generateApiKey, matchApiKey, parseApiKeyHashes } from '../../../src/auth/apiKeys';
import { CallerAuth, CallerAuthError, type CallerAuthConfig } from '../../../src/auth/callers';
import type { CredentialProvider } from '../../../src/auth/credentials';
import { CredentialError } from '../../../src/auth/credentials';
import { JwtError, JwtVerifier } from '../../../src/auth/jwt';
import { createCallerGate } from '../../../src/server/callerAuth';
import { createLogger } from '../../../src/server/logger';

const SECRET = 'a-shared-secret-of-at-least-32-characters';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

function hs(claims: Record<string, unknown>, secret = SECRET, alg = 'HS256'): string {
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${head}.${createHmac(hash, secret).update(head).digest('base64url')}`;
}

function asymmetric(claims: Record<string, unknown>, key: KeyObject, alg: 'RS256' | 'ES256', kid: string): string {
  const head = `${b64({ alg, kid })}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(head), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${head}.${signature.toString('base64url')}`;
}

const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

async function refusal(p: Promise<unknown>): Promise<CallerAuthError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CallerAuthError);
    return e as CallerAuthError;
  }
  throw new Error('expected a refusal');
}

describe('API keys', () => {
  test('generated keys match their hash and only it; hashes may bind a portal', () => {
    const a = generateApiKey();
    const b = generateApiKey(222);
    expect(a.key).toMatch(/^hsgw_[A-Za-z0-9_-]{43}$/);
    expect(a.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.hash).toMatch(/@222$/);
    expect(a.hash).not.toContain(a.key);
    const stored = parseApiKeyHashes(`${a.hash}, ${b.hash}`);
    expect(matchApiKey(a.key, stored)).toEqual({ hash: stored[0]!.hash });
    expect(matchApiKey(b.key, stored)?.portalId).toBe(222);
    expect(matchApiKey(`${a.key}x`, stored)).toBeUndefined();
    expect(matchApiKey('short', stored)).toBeUndefined();
  });

  test('malformed hash lists are refused without echoing the entry', () => {
    expect(() => parseApiKeyHashes('hsgw_pasted-key-by-mistake')).toThrow(/entry 1 is not sha256/);
    expect(() => parseApiKeyHashes('hsgw_pasted-key-by-mistake')).not.toThrow(/pasted/);
    expect(() => parseApiKeyHashes(`sha256:${'0'.repeat(64)}@0`)).toThrow(/portal/);
  });
});

describe('caller authentication', () => {
  const keyA = generateApiKey();
  const key111 = generateApiKey(111);
  const config: CallerAuthConfig = { apiKeys: parseApiKeyHashes(`${keyA.hash},${key111.hash}`), jwt: { secret: SECRET, portalClaim: 'hubspot_portal_id', issuer: 'https://idp.example.com' }, allowUnauthenticated: false };

  test('off when nothing is configured: every caller is anonymous', async () => {
    const auth = new CallerAuth({ apiKeys: [], allowUnauthenticated: true });
    expect(auth.enabled).toBe(false);
    await expect(auth.authenticate(headers({}))).resolves.toEqual({ method: 'anonymous' });
  });

  test('API keys in X-API-Key; a bound key carries its portal', async () => {
    const auth = new CallerAuth(config);
    await expect(auth.authenticate(headers({ 'x-api-key': keyA.key }))).resolves.toEqual({ method: 'api-key' });
    await expect(auth.authenticate(headers({ 'x-api-key': key111.key }))).resolves.toEqual({ method: 'api-key', portalId: 111 });
    const wrong = await refusal(auth.authenticate(headers({ 'x-api-key': 'hsgw_not-a-key-we-know-of-at-all' })));
    expect(wrong.extensions.code).toBe('UNAUTHENTICATED');
    expect(wrong.status).toBe(401);
    expect(wrong.message).not.toContain('hsgw_not-a-key');
  });

  test('no credential at all is UNAUTHENTICATED, naming the accepted ways', async () => {
    const e = await refusal(new CallerAuth(config).authenticate(headers({})));
    expect(e.message).toMatch(/X-API-Key.*or a JWT/);
  });

  test('HS256/384/512 JWTs: signature, expiry, issuer and the portal claim are checked', async () => {
    const auth = new CallerAuth(config);
    const iss = 'https://idp.example.com';
    await expect(auth.authenticate(headers({ authorization: `Bearer ${hs({ exp: inAnHour(), iss, hubspot_portal_id: 222 })}` }))).resolves.toEqual({ method: 'jwt', portalId: 222 });
    await expect(auth.authenticate(headers({ authorization: `Bearer ${hs({ exp: inAnHour(), iss, hubspot_portal_id: '333' }, SECRET, 'HS512')}` }))).resolves.toEqual({ method: 'jwt', portalId: 333 });
    await expect(auth.authenticate(headers({ authorization: `Bearer ${hs({ exp: inAnHour(), iss }, SECRET, 'HS384')}` }))).resolves.toEqual({ method: 'jwt' });
    const cases: Array<[string, RegExp]> = [
      [hs({ exp: inAnHour(), iss }, 'another-secret-of-at-least-32-characters!'), /bad signature/],
      [hs({ exp: Math.floor(Date.now() / 1000) - 3600, iss }), /expired/],
      [hs({ iss }), /no exp/],
      [hs({ exp: inAnHour(), iss: 'https://evil.example.com' }), /wrong issuer/],
      [hs({ exp: inAnHour(), iss, hubspot_portal_id: 'all' }), /hubspot_portal_id claim/],
      [`${b64({ alg: 'none' })}.${b64({ exp: inAnHour(), iss })}.`, /algorithm none not accepted/],
      ['not.a.jwt!', /not a compact JWS/],
    ];
    for (const [token, reason] of cases) {
      const e = await refusal(auth.authenticate(headers({ authorization: `Bearer ${token}` })));
      expect(e.message).toMatch(reason);
      expect(e.message).not.toContain(token);
    }
  });

  test('pass-through: Authorization is the HubSpot token, so only X-API-Key authenticates the caller', async () => {
    const auth = new CallerAuth(config, true);
    await expect(auth.authenticate(headers({ authorization: `Bearer ${hs({ exp: inAnHour(), iss: 'https://idp.example.com' })}` }))).rejects.toThrow(/X-API-Key/);
    await expect(auth.authenticate(headers({ authorization: 'Bearer pat-na1-xyz', 'x-api-key': keyA.key }))).resolves.toEqual({ method: 'api-key' });
  });
});

describe('JWKS', () => {
  let server: Server;
  let url: string;
  let fetches = 0;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rotated = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let published = [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig', alg: 'RS256' }, { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1' }];

  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('RS256 and ES256 tokens verify against the published keys, fetched once', async () => {
    fetches = 0;
    const auth = new CallerAuth({ apiKeys: [], jwt: { jwksUrl: url, portalClaim: 'portal', audience: 'hubspot-graphql' }, allowUnauthenticated: false });
    const claims = { exp: inAnHour(), aud: ['other', 'hubspot-graphql'], portal: 111 };
    await expect(auth.authenticate(headers({ authorization: `Bearer ${asymmetric(claims, rsa.privateKey, 'RS256', 'rsa-1')}` }))).resolves.toEqual({ method: 'jwt', portalId: 111 });
    await expect(auth.authenticate(headers({ authorization: `Bearer ${asymmetric(claims, ec.privateKey, 'ES256', 'ec-1')}` }))).resolves.toEqual({ method: 'jwt', portalId: 111 });
    expect(fetches).toBe(1);
    await expect(auth.authenticate(headers({ authorization: `Bearer ${asymmetric({ ...claims, aud: 'other' }, ec.privateKey, 'ES256', 'ec-1')}` }))).rejects.toThrow(/wrong audience/);
    // A key the issuer does not publish, and a token signed with the right kid but the wrong key.
    await expect(auth.authenticate(headers({ authorization: `Bearer ${asymmetric(claims, rotated.privateKey, 'ES256', 'ec-1')}` }))).rejects.toThrow(/bad signature/);
  });

  test('published keys are imported once, when fetched, not for every token', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const imported = jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'createPublicKey');
    try {
      const verifier = new JwtVerifier({ jwksUrl: url, audience: 'hubspot-graphql' });
      const claims = { exp: inAnHour(), aud: 'hubspot-graphql' };
      for (let i = 0; i < 5; i++) {
        await expect(verifier.verify(asymmetric(claims, rsa.privateKey, 'RS256', 'rsa-1'))).resolves.toMatchObject({ aud: 'hubspot-graphql' });
        await expect(verifier.verify(asymmetric(claims, ec.privateKey, 'ES256', 'ec-1'))).resolves.toMatchObject({ aud: 'hubspot-graphql' });
      }
      expect(imported).toHaveBeenCalledTimes(published.length);
    } finally {
      imported.mockRestore();
    }
  });

  test('an HMAC token is never checked against a public key (no alg confusion)', async () => {
    const verifier = new JwtVerifier({ jwksUrl: url });
    const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await expect(verifier.verify(hs({ exp: inAnHour() }, pem))).rejects.toThrow(/algorithm HS256 not accepted/);
  });

  test('an unknown kid fetches the keys again (rotation), at most once per cooldown', async () => {
    let now = Date.now();
    const verifier = new JwtVerifier({ jwksUrl: url, now: () => now });
    fetches = 0;
    await verifier.verify(asymmetric({ exp: inAnHour() }, ec.privateKey, 'ES256', 'ec-1'));
    published = [...published, { ...rotated.publicKey.export({ format: 'jwk' }), kid: 'ec-2' }];
    const next = asymmetric({ exp: inAnHour() }, rotated.privateKey, 'ES256', 'ec-2');
    await expect(verifier.verify(next)).rejects.toThrow(/no matching key/);
    expect(fetches).toBe(1);
    now += 31_000;
    await expect(verifier.verify(next)).resolves.toMatchObject({ exp: expect.any(Number) });
    expect(fetches).toBe(2);
  });
});

describe('JWT header and signature edge cases', () => {
  const verifier = new JwtVerifier({ secret: SECRET, jwksUrl: 'http://127.0.0.1:9/never-fetched' });
  const refused = async (token: string): Promise<JwtError> => {
    try {
      await verifier.verify(token);
    } catch (e) {
      expect(e).toBeInstanceOf(JwtError);
      return e as JwtError;
    }
    throw new Error('expected a JwtError');
  };

  test('an alg naming an Object.prototype member is a clean refusal', async () => {
    for (const alg of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const head = `${b64({ alg, kid: 'x' })}.${b64({ exp: inAnHour() })}`;
      expect((await refused(`${head}.${Buffer.from('sig').toString('base64url')}`)).message).toMatch(/not accepted/);
    }
  });

  test('a kid that is not a string is refused', async () => {
    const head = `${b64({ alg: 'HS256', kid: 5 })}.${b64({ exp: inAnHour() })}`;
    expect((await refused(`${head}.${createHmac('sha256', SECRET).update(head).digest('base64url')}`)).message).toMatch(/kid is not a string/);
  });

  test('a signature has one encoding: unused trailing bits that decode to the same bytes are refused', async () => {
    const good = hs({ exp: inAnHour() });
    await expect(verifier.verify(good)).resolves.toMatchObject({ exp: expect.any(Number) });
    // 32 bytes are 43 base64url characters; the last one carries 4 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(good.slice(-1));
    const twin = `${good.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(twin.split('.')[2]!, 'base64url').equals(Buffer.from(good.split('.')[2]!, 'base64url'))).toBe(true);
    expect((await refused(twin)).message).toMatch(/not canonical/);
  });

  test('JWKS URLs: https, or http on loopback only', () => {
    expect(() => new JwtVerifier({ jwksUrl: 'http://idp.example.com/jwks.json' })).toThrow(/https/);
    expect(() => new JwtVerifier({ jwksUrl: 'https://idp.example.com/jwks.json' })).not.toThrow();
    expect(() => new JwtVerifier({ jwksUrl: 'http://localhost:9/jwks.json' })).not.toThrow();
  });
});

describe('JWKS fetching: throttled, bounded, and never leaking its failures to callers', () => {
  let server: Server;
  let base: string;
  const fetched: string[] = [];
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const ecJwk = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1' };
  /** What each path answers. */
  let status = 200;
  const bodies: Record<string, () => string> = {
    '/jwks': () => JSON.stringify({ keys: [ecJwk] }),
    '/null': () => 'null',
    '/keys-not-array': () => JSON.stringify({ keys: { kty: 'EC' } }),
    '/huge': () => JSON.stringify({ keys: [ecJwk], padding: 'x'.repeat(2 * 1024 * 1024) }),
    '/weak-rsa': () => JSON.stringify({ keys: [{ ...weak.publicKey.export({ format: 'jwk' }), kid: 'rsa-weak' }] }),
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      fetched.push(req.url!);
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/jwks' });
        return void res.end();
      }
      if (req.url === '/huge-chunked') {
        // No content-length: the size is only known by reading.
        res.write('{"keys":[],"padding":"');
        for (let i = 0; i < 40; i++) res.write('x'.repeat(64 * 1024));
        return void res.end('"}');
      }
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(status === 200 ? bodies[req.url!]?.() ?? '{}' : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    status = 200;
    fetched.length = 0;
  });

  const es256 = (kid = 'ec-1', now = Date.now()) => {
    const head = `${b64({ alg: 'ES256', kid })}.${b64({ exp: Math.floor(now / 1000) + 3600 })}`;
    return `${head}.${sign('sha256', Buffer.from(head), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };

  test('an issuer that is down is asked at most once per cooldown, and its failure stays in the logs', async () => {
    status = 503;
    let now = Date.now();
    const reasons: string[] = [];
    const verifier = new JwtVerifier({ jwksUrl: `${base}/jwks`, now: () => now, onJwksFailure: (r) => reasons.push(r) });
    for (let i = 0; i < 5; i++) {
      const e = await verifier.verify(es256('ec-1', now)).catch((err: unknown) => err as Error);
      expect(e).toBeInstanceOf(JwtError);
      expect(e.message).toBe("the issuer's signing keys are unavailable");
    }
    expect(fetched).toEqual(['/jwks']);
    expect(reasons).toEqual([expect.stringContaining('503')]);
    now += 31_000;
    status = 200;
    await expect(verifier.verify(es256('ec-1', now))).resolves.toMatchObject({ exp: expect.any(Number) });
    expect(fetched).toEqual(['/jwks', '/jwks']);
  });

  test('when a TTL refresh fails, the keys fetched before stay in use', async () => {
    let now = Date.now();
    const verifier = new JwtVerifier({ jwksUrl: `${base}/jwks`, now: () => now, onJwksFailure: () => undefined });
    await verifier.verify(es256('ec-1', now));
    status = 500;
    now += 601_000;
    await expect(verifier.verify(es256('ec-1', now))).resolves.toMatchObject({ exp: expect.any(Number) });
    await expect(verifier.verify(es256('ec-1', now))).resolves.toMatchObject({ exp: expect.any(Number) });
    expect(fetched).toEqual(['/jwks', '/jwks']);
  });

  test.each([
    ['/null', /not an object with a keys array/],
    ['/keys-not-array', /not an object with a keys array/],
    ['/huge', /larger than 1048576 bytes/],
    ['/huge-chunked', /larger than 1048576 bytes/],
    ['/redirect', /redirect/],
  ])('%s is refused as a JWKS (no keys), the reason logged', async (path, reason) => {
    const reasons: string[] = [];
    const verifier = new JwtVerifier({ jwksUrl: `${base}${path}`, onJwksFailure: (r) => reasons.push(r) });
    await expect(verifier.verify(es256())).rejects.toThrow(/signing keys are unavailable/);
    expect(reasons).toEqual([expect.stringMatching(reason)]);
    // The redirect is not followed.
    expect(fetched).toEqual([path]);
  });

  test('RSA keys under 2048 bits are refused', async () => {
    const verifier = new JwtVerifier({ jwksUrl: `${base}/weak-rsa` });
    const head = `${b64({ alg: 'RS256', kid: 'rsa-weak' })}.${b64({ exp: inAnHour() })}`;
    const token = `${head}.${sign('sha256', Buffer.from(head), weak.privateKey).toString('base64url')}`;
    await expect(verifier.verify(token)).rejects.toThrow(/RSA key under 2048 bits/);
  });

  test("callers learn only that the keys are unavailable; the gateway's log gets the reason", async () => {
    status = 503;
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    const auth = new CallerAuth({ apiKeys: [], jwt: { jwksUrl: `${base}/jwks`, issuer: 'i', audience: 'a', portalClaim: 'p' }, allowUnauthenticated: false }, false, logger);
    const e = await refusal(auth.authenticate(headers({ authorization: `Bearer ${es256()}` })));
    expect(e.message).not.toMatch(/503|status|timeout|127\.0\.0\.1/);
    expect(lines.join('')).toContain('503');
  });
});

describe('caller gate on HTTP', () => {
  const run = async (error: Error) => {
    const credentials = { mode: 'oauth', forRequest: () => Promise.reject(error) } as unknown as CredentialProvider;
    const gate = createCallerGate({ callerAuth: new CallerAuth({ apiKeys: [], allowUnauthenticated: true }), credentials, portalOf: () => Promise.resolve(1), logger: createLogger('silent') });
    let status = 0;
    let body: unknown;
    const res = { locals: {}, status: (s: number) => ((status = s), res), json: (b: unknown) => ((body = b), res) };
    await gate.middleware({ get: () => undefined } as never, res as never, () => undefined);
    return { status, body };
  };

  test('a malformed portal header is 400 BAD_USER_INPUT; a missing credential 401', async () => {
    expect(await run(new CredentialError('X-HubSpot-Portal-Id must be a HubSpot portal id', 'BAD_USER_INPUT'))).toEqual({ status: 400, body: { errors: [{ message: 'X-HubSpot-Portal-Id must be a HubSpot portal id', extensions: { code: 'BAD_USER_INPUT' } }] } });
    expect((await run(new CredentialError('No HubSpot portal is installed yet'))).status).toBe(401);
    expect((await run(new CallerAuthError('not yours', 'FORBIDDEN'))).status).toBe(403);
  });
});
