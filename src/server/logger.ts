import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config';

/**
 * JSON logs (pino). Credentials and personal data never reach them: authorization headers, API keys, tokens,
 * JWTs, client secrets, developer API keys, cookies and passwords are replaced wherever they appear in a logged
 * object, and so are the values of CRM `properties` (names stay, so a log still says which property) and
 * operation `variables`.
 *
 * Keys are matched by name, whatever their case and separators (`Authorization`, `X-API-Key`, `api_key`,
 * `client-secret`), at any depth: each logged object is copied with those values replaced, once per line actually
 * written (pino calls the log formatter only for enabled levels); a child logger's bindings once, when it is made. Errors are
 * serialized first (pino's err serializer: type, message, stack and their own fields), so their fields are
 * redacted too. Deeper than MAX_DEPTH levels a value is cut; cycles are shown as "[Circular]".
 */
const CENSOR = '[redacted]';
const MAX_DEPTH = 12;

/** Key names (lower-cased, without separators) whose values are secrets. */
const SECRET_KEYS = new Set(['authorization', 'proxyauthorization', 'privateapp', 'cookie', 'setcookie', 'jwt', 'hapikey', 'password', 'passwd', 'secret']);
/** Suffixes of key names whose values are secrets: accessToken, refresh_token, hubspotToken, clientSecret, x-api-key, developerApiKey… */
const SECRET_SUFFIXES = ['token', 'tokens', 'secret', 'secrets', 'apikey', 'password'];
/** Keys whose values are personal data as a whole. */
const PERSONAL_KEYS = new Set(['variables']);
/** Keys holding CRM property values by property name: the names stay, the values go. */
const PROPERTY_KEYS = new Set(['properties', 'propertieswithhistory']);

const normalized = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

function isSecretKey(key: string): boolean {
  const k = normalized(key);
  return SECRET_KEYS.has(k) || PERSONAL_KEYS.has(k) || SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

/** A copy of `value` with secret and personal values replaced, as JSON.stringify would see it. */
export function redact(value: unknown, depth = 0, ancestors: Set<object> = new Set()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  let v: unknown = value;
  // Errors of another realm (a vm context, Node's own fetch under a test runner) are errors too.
  if (value instanceof Error || Object.prototype.toString.call(value) === '[object Error]') v = pino.stdSerializers.err(value as Error);
  else if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    try {
      v = (value as { toJSON: () => unknown }).toJSON();
    } catch {
      return '[unserializable]';
    }
    if (v === null || typeof v !== 'object') return v;
  }
  ancestors.add(value);
  try {
    if (Array.isArray(v)) return v.map((item) => redact(item, depth + 1, ancestors));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v as object)) {
      const item = (v as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function') continue;
      const copy = isSecretKey(key) ? CENSOR : PROPERTY_KEYS.has(normalized(key)) ? propertyValues(item) : redact(item, depth + 1, ancestors);
      // defineProperty: a key named __proto__ (parsed JSON) stays a key, never the copy's prototype.
      Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/** CRM properties: a map of names to values keeps its names; a list of names stays; anything else goes. */
function propertyValues(value: unknown): unknown {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : CENSOR));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).map((k) => [k, CENSOR]));
  return value === null || value === undefined ? value : CENSOR;
}

const redactObject = (o: Record<string, unknown>) => redact(o) as Record<string, unknown>;

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'hubspot-graphql' },
      // Errors are serialized by redact() (with pino's own err serializer) before their fields are redacted.
      serializers: { err: (value: unknown) => value },
      formatters: { log: redactObject },
    },
    destination,
  );
  // A child's bindings (requestId, subscription…) are written on each of its lines: redacted once, when it is made.
  // Children inherit this method, so grandchildren's bindings are redacted too.
  type Child = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  const child = logger.child as unknown as Child;
  const redactedChild: Child = function (bindings, options) {
    return child.call(this, redactObject(bindings), options);
  };
  logger.child = redactedChild as unknown as Logger['child'];
  return logger;
}
