import { createHmac, createPublicKey, timingSafeEqual, verify as verifySignature, constants, type KeyObject, type JsonWebKey } from 'node:crypto';

/**
 * JSON Web Tokens callers present as `Authorization: Bearer <jwt>` (caller authentication, callers.ts), verified
 * with node:crypto: HS256/384/512 with JWT_SECRET, or RS/PS/ES 256/384/512 with the keys published at JWKS_URL.
 * (jose is ESM-only, which this CommonJS project can neither `require` under its TypeScript settings nor load in
 * Jest; the checks below are the few a JWS verifier needs.)
 *
 * Each key kind accepts only its own algorithms, so an HMAC token can never be checked against a public key
 * ("alg confusion") and `none` is never accepted. `exp` is required; `nbf`, `iss` and `aud` are checked when
 * present or configured, with a small clock tolerance (config.ts requires JWT_ISSUER and JWT_AUDIENCE with
 * JWKS_URL). The JWKS comes over https (http on loopback only), without redirects, within a size and time limit,
 * and is fetched at most once per cooldown; why a fetch failed goes to `onJwksFailure` (the logs), not to callers.
 */

export interface JwtOptions {
  /** Shared secret (HS256/384/512), at least 32 characters. */
  secret?: string;
  /** Where the issuer publishes its public keys (RS*, PS*, ES*). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Seconds of clock skew allowed for exp/nbf. Default 30. */
  clockToleranceSeconds?: number;
  /** How long fetched keys are trusted before they are fetched again, ms. Default 10 minutes. */
  jwksTtlMs?: number;
  now?: () => number;
  /** Told why the JWKS could not be fetched or used (status, timeout…): for the logs, never for the caller. */
  onJwksFailure?: (reason: string) => void;
}

export type JwtClaims = Record<string, unknown>;

/** Why a token was refused: a short reason for logs and the 401 message (never the token). */
export class JwtError extends Error {
  override name = 'JwtError';
}

// Maps, not object literals: a header's alg is looked up as an own entry only ("constructor", "toString"… are not algorithms).
const HMAC = new Map<string, string>([['HS256', 'sha256'], ['HS384', 'sha384'], ['HS512', 'sha512']]);
const ASYMMETRIC = new Map<string, { hash: string; kty: 'RSA' | 'EC'; pss?: boolean; crv?: string }>([
  ['RS256', { hash: 'sha256', kty: 'RSA' }], ['RS384', { hash: 'sha384', kty: 'RSA' }], ['RS512', { hash: 'sha512', kty: 'RSA' }],
  ['PS256', { hash: 'sha256', kty: 'RSA', pss: true }], ['PS384', { hash: 'sha384', kty: 'RSA', pss: true }], ['PS512', { hash: 'sha512', kty: 'RSA', pss: true }],
  ['ES256', { hash: 'sha256', kty: 'EC', crv: 'P-256' }], ['ES384', { hash: 'sha384', kty: 'EC', crv: 'P-384' }], ['ES512', { hash: 'sha512', kty: 'EC', crv: 'P-521' }],
]);
/** Longest token accepted; real ones are well under 4 KB. */
const MAX_TOKEN_LENGTH = 8192;
const JWKS_TIMEOUT_MS = 5_000;
/** Largest JWKS document read; real ones are a few KB. */
const JWKS_MAX_BYTES = 1024 * 1024;
/**
 * The keys are fetched at most this often, whatever the outcome of the last fetch: a flood of tokens with unknown
 * `kid`s, or an issuer that is down, cannot make the gateway hammer the issuer.
 */
const JWKS_REFETCH_COOLDOWN_MS = 30_000;
/** Smallest RSA modulus accepted from a JWKS. */
const MIN_RSA_BITS = 2048;

/** Whether a host name (a URL's hostname, or HOST) is this machine: localhost, ::1 or 127.x.x.x. */
export const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * Why `url` cannot be a JWKS URL, or undefined when it can: the keys that decide who is authenticated must come over
 * https; plain http only from this machine (loopback: 127.0.0.1, ::1, localhost), for local testing.
 */
export function jwksUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && isLoopbackHost(u.hostname)) return undefined;
  return 'expected an https: URL (http: only on a loopback host: 127.0.0.1, ::1 or localhost)';
}

export class JwtVerifier {
  private readonly secret?: Buffer;
  private readonly jwks?: RemoteKeySet;
  private readonly tolerance: number;
  private readonly now: () => number;

  constructor(private readonly options: JwtOptions) {
    if (options.secret !== undefined) this.secret = Buffer.from(options.secret, 'utf8');
    this.now = options.now ?? Date.now;
    if (options.jwksUrl !== undefined) {
      const problem = jwksUrlProblem(options.jwksUrl);
      if (problem !== undefined) throw new Error(`JWKS_URL: ${problem}`);
      this.jwks = new RemoteKeySet(options.jwksUrl, options.jwksTtlMs ?? 600_000, this.now, options.onJwksFailure ?? (() => undefined));
    }
    this.tolerance = options.clockToleranceSeconds ?? 30;
  }

  /** The token's claims when its signature and claims are good; else a JwtError. */
  async verify(token: string): Promise<JwtClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw new JwtError('token too long');
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw new JwtError('not a compact JWS');
    const [h, p, s] = parts as [string, string, string];
    const header = decodeJson(h, 'header');
    const alg = header.alg;
    if (typeof alg !== 'string') throw new JwtError('no alg');
    if (header.crit !== undefined) throw new JwtError('unsupported crit header');
    if (header.kid !== undefined && typeof header.kid !== 'string') throw new JwtError('kid is not a string');
    const signed = Buffer.from(`${h}.${p}`, 'ascii');
    const signature = Buffer.from(s, 'base64url');
    // One encoding per signature: trailing bits that decode to the same bytes would make another valid token.
    if (signature.toString('base64url') !== s) throw new JwtError('signature is not canonical base64url');
    const hmac = HMAC.get(alg);
    const spec = ASYMMETRIC.get(alg);
    if (hmac !== undefined && this.secret) {
      const expected = createHmac(hmac, this.secret).update(signed).digest();
      if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) throw new JwtError('bad signature');
    } else if (spec !== undefined && this.jwks) {
      const key = await this.jwks.key(header.kid as string | undefined, alg, spec.kty, spec.crv);
      const ok = verifySignature(spec.hash, signed, {
        key,
        ...(spec.kty === 'EC' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
        ...(spec.pss ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {}),
      }, signature);
      if (!ok) throw new JwtError('bad signature');
    } else {
      throw new JwtError(`algorithm ${alg.slice(0, 10)} not accepted`);
    }
    const claims = decodeJson(p, 'payload');
    this.checkClaims(claims);
    return claims;
  }

  private checkClaims(claims: JwtClaims): void {
    const now = Math.floor(this.now() / 1000);
    if (typeof claims.exp !== 'number') throw new JwtError('no exp claim');
    if (now > claims.exp + this.tolerance) throw new JwtError('expired');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now < claims.nbf - this.tolerance)) throw new JwtError('not yet valid');
    const { issuer, audience } = this.options;
    if (issuer !== undefined && claims.iss !== issuer) throw new JwtError('wrong issuer');
    if (audience !== undefined) {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.includes(audience)) throw new JwtError('wrong audience');
    }
  }
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError(`${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new JwtError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

interface Jwk extends JsonWebKey {
  kid?: string;
  alg?: string;
  use?: string;
}

/** A published key, imported once when the JWKS is fetched: its KeyObject, or why it cannot be used. */
type PublishedKey = { jwk: Jwk; key: KeyObject; problem?: undefined } | { jwk: Jwk; key?: undefined; problem: string };

function importJwk(jwk: Jwk): PublishedKey {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return { jwk, problem: 'unusable key in the JWKS' };
  }
  if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return { jwk, problem: `the JWKS key is an RSA key under ${MIN_RSA_BITS} bits` };
  return { jwk, key };
}

/**
 * The issuer's public keys, fetched from its JWKS URL, cached, and fetched again when they are older than the TTL or
 * a token names an unknown key — but never more often than JWKS_REFETCH_COOLDOWN_MS, whether the last fetch worked
 * or not. When a fetch fails the keys fetched before stay in use.
 */
class RemoteKeySet {
  private keys: PublishedKey[] = [];
  /** When keys were last fetched successfully. */
  private fetchedAt = -Infinity;
  /** When a fetch last started, successful or not: every fetch is throttled on it. */
  private lastAttempt = -Infinity;
  private inFlight?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly onFailure: (reason: string) => void,
  ) {}

  async key(kid: string | undefined, alg: string, kty: string, crv: string | undefined): Promise<KeyObject> {
    if (this.now() - this.fetchedAt > this.ttlMs) await this.refresh();
    let found = this.find(kid, alg, kty, crv);
    if (!found) {
      await this.refresh();
      found = this.find(kid, alg, kty, crv);
    }
    if (!found) throw new JwtError(this.fetchedAt === -Infinity ? "the issuer's signing keys are unavailable" : 'no matching key in the JWKS');
    if (found.problem !== undefined) throw new JwtError(found.problem);
    return found.key;
  }

  private find(kid: string | undefined, alg: string, kty: string, crv: string | undefined): PublishedKey | undefined {
    const candidates = this.keys.filter(({ jwk: k }) => k.kty === kty && (k.use === undefined || k.use === 'sig') && (k.alg === undefined || k.alg === alg) && (crv === undefined || k.crv === crv) && (kid === undefined || k.kid === kid));
    // Without a kid the key must be unambiguous.
    return kid === undefined && candidates.length !== 1 ? undefined : candidates[0];
  }

  /** Fetches the keys unless a fetch is under way (then waits for it) or one started less than the cooldown ago. */
  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.now() - this.lastAttempt < JWKS_REFETCH_COOLDOWN_MS) return Promise.resolve();
    this.lastAttempt = this.now();
    this.inFlight = this.fetchKeys()
      .catch((e: unknown) => this.onFailure(reasonOf(e)))
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    const res = await fetch(this.url, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS), redirect: 'error', headers: { accept: 'application/json' } });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`the JWKS at ${this.url} answered ${res.status}`);
    }
    const text = await readLimited(res, JWKS_MAX_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`the JWKS at ${this.url} is not JSON`);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray((body as { keys?: unknown }).keys)) {
      throw new Error(`the JWKS at ${this.url} is not an object with a keys array`);
    }
    // Imported (and checked) here once, not for every token they verify.
    this.keys = ((body as { keys: unknown[] }).keys).filter((k): k is Jwk => k !== null && typeof k === 'object' && !Array.isArray(k) && typeof (k as Jwk).kty === 'string').map(importJwk);
    this.fetchedAt = this.now();
  }
}

/** An error's message with its cause's (fetch's own message is only "fetch failed"). */
function reasonOf(e: unknown): string {
  const messageOf = (v: unknown) => (v !== null && typeof v === 'object' && typeof (v as Error).message === 'string' ? (v as Error).message : undefined);
  const message = messageOf(e) ?? String(e);
  const cause = messageOf((e as { cause?: unknown } | null)?.cause);
  return cause ? `${message}: ${cause}` : message;
}

/** A response's body as text, refused past `limit` bytes (read in chunks: a huge or endless body is never held). */
async function readLimited(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel();
    throw new Error(`the JWKS is larger than ${limit} bytes`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`the JWKS is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
