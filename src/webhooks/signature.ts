import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HubSpot's request signatures (developers.hubspot.com "Validating requests"; HUBSPOT-FACTS §11), computed with
 * the app's client secret over the raw request:
 * - v3: base64(HMAC-SHA256(secret, method + uri + body + timestamp)) in `X-HubSpot-Signature-v3`, with the
 *   epoch-ms `X-HubSpot-Request-Timestamp`; requests older than 5 minutes are refused.
 * - v2: hex(SHA-256(secret + method + uri + body)) in `X-HubSpot-Signature`, `X-HubSpot-Signature-Version: v2`.
 * - v1: hex(SHA-256(secret + body)) in `X-HubSpot-Signature`, `X-HubSpot-Signature-Version: v1` (webhooks API).
 * The receiver verifies them; the emulator signs its deliveries with the same functions.
 */

export const SIGNATURE_VERSIONS = ['v1', 'v2', 'v3'] as const;
export type SignatureVersion = (typeof SIGNATURE_VERSIONS)[number];

export const HEADER_V3 = 'x-hubspot-signature-v3';
export const HEADER_TIMESTAMP = 'x-hubspot-request-timestamp';
export const HEADER_LEGACY = 'x-hubspot-signature';
export const HEADER_VERSION = 'x-hubspot-signature-version';

/** How old (or, for clock skew, how far ahead) a v3 timestamp may be. */
export const MAX_TIMESTAMP_SKEW_MS = 5 * 60_000;

type Bytes = string | Buffer;
const bytes = (v: Bytes) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

/**
 * HubSpot decodes these percent-encoded characters of the URI before signing v3 [unc]; both sides doing it
 * makes a signature independent of whether a proxy or client encoded them.
 */
const V3_DECODED: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

export function canonicalV3Uri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => V3_DECODED[m.toUpperCase()]!);
}

export function signatureV1(secret: string, body: Bytes): string {
  return createHash('sha256').update(bytes(secret)).update(bytes(body)).digest('hex');
}

export function signatureV2(secret: string, method: string, uri: string, body: Bytes): string {
  return createHash('sha256').update(bytes(secret + method + uri)).update(bytes(body)).digest('hex');
}

/** `uri` as given: callers pass it through canonicalV3Uri (signing and verifying both do). */
export function signatureV3(secret: string, method: string, uri: string, body: Bytes, timestamp: string | number): string {
  return createHmac('sha256', bytes(secret)).update(bytes(method + uri)).update(bytes(body)).update(bytes(String(timestamp))).digest('base64');
}

/**
 * Constant-time string comparison. Unequal lengths are not compared byte by byte, but the expected value is
 * still compared with itself so that the time spent does not depend on where the strings differ.
 */
export function safeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** The headers HubSpot signs a webhooks-API delivery with: v3, and v1 for older receivers. */
export function deliverySignatureHeaders(secret: string, req: { method: string; uri: string; body: Bytes; timestamp: number }): Record<string, string> {
  return {
    'X-HubSpot-Signature-v3': signatureV3(secret, req.method, canonicalV3Uri(req.uri), req.body, req.timestamp),
    'X-HubSpot-Request-Timestamp': String(req.timestamp),
    'X-HubSpot-Signature': signatureV1(secret, req.body),
    'X-HubSpot-Signature-Version': 'v1',
  };
}

export interface SignedRequest {
  method: string;
  /** The full URL HubSpot requested, e.g. https://example.com/webhooks/hubspot?x=1. */
  uri: string;
  body: Buffer;
  /** A request header by (lower-case) name. */
  header(name: string): string | undefined;
}

export type SignatureRejection = 'missing-signature' | 'missing-timestamp' | 'stale-timestamp' | 'bad-signature';
export type SignatureCheck = { ok: true; version: SignatureVersion } | { ok: false; reason: SignatureRejection };

/** Why a check of one version failed, most telling first: a wrong signature says more than a missing one. */
const SEVERITY: SignatureRejection[] = ['bad-signature', 'stale-timestamp', 'missing-timestamp', 'missing-signature'];

function checkV3(secret: string, req: SignedRequest, now: number): SignatureCheck {
  const given = req.header(HEADER_V3);
  if (given === undefined) return { ok: false, reason: 'missing-signature' };
  const timestamp = req.header(HEADER_TIMESTAMP);
  if (timestamp === undefined) return { ok: false, reason: 'missing-timestamp' };
  // Checked before the signature: an old request is refused even when it is genuine (a replay).
  const at = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!(Math.abs(now - at) <= MAX_TIMESTAMP_SKEW_MS)) return { ok: false, reason: 'stale-timestamp' };
  // The URI as HubSpot's docs canonicalise it, or exactly as received (for a sender that does not decode).
  const candidates = new Set([canonicalV3Uri(req.uri), req.uri]);
  for (const uri of candidates) {
    if (safeEqual(signatureV3(secret, req.method, uri, req.body, timestamp), given)) return { ok: true, version: 'v3' };
  }
  return { ok: false, reason: 'bad-signature' };
}

function checkLegacy(version: 'v1' | 'v2', secret: string, req: SignedRequest): SignatureCheck {
  const given = req.header(HEADER_LEGACY);
  // A signature without a version header is v1, HubSpot's first.
  if (given === undefined || (req.header(HEADER_VERSION) ?? 'v1').toLowerCase() !== version) return { ok: false, reason: 'missing-signature' };
  const expected = version === 'v1' ? signatureV1(secret, req.body) : signatureV2(secret, req.method, req.uri, req.body);
  // Hex digests: compare case-insensitively, as some proxies upper-case them.
  return safeEqual(expected, given.toLowerCase()) ? { ok: true, version } : { ok: false, reason: 'bad-signature' };
}

/**
 * Accepts a request that carries a valid signature of one of `versions`; otherwise says why not (the most telling
 * reason among the versions tried).
 */
export function verifySignature(req: SignedRequest, secret: string, versions: readonly SignatureVersion[], now = Date.now()): SignatureCheck {
  const failures: SignatureRejection[] = [];
  for (const version of versions) {
    const check = version === 'v3' ? checkV3(secret, req, now) : checkLegacy(version, secret, req);
    if (check.ok) return check;
    failures.push(check.reason);
  }
  const reason = SEVERITY.find((r) => failures.includes(r)) ?? 'missing-signature';
  return { ok: false, reason };
}
