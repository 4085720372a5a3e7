import type { NextFunction, Request, RequestHandler, Response } from 'express';
import Keyv from 'keyv';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestCredential } from '../auth/credentials';
import { sendError } from './httpErrors';
import { createKeyv } from '../cache/keyvStore';
import type { PersistedQueriesMode } from '../config';

/**
 * Persisted queries on /graphql, ahead of Apollo (whose own APQ cache is one for every caller):
 * - `apq`: Apollo's automatic persisted queries protocol (extensions.persistedQuery { version: 1, sha256Hash }).
 *   A query registered by one portal is stored under that portal's key (the token's hash in pass-through), so
 *   another portal asking for the same hash gets PersistedQueryNotFound and learns nothing of it.
 * - `allow-list`: only the operations of an Apollo persisted query manifest run, by id/hash or exact body;
 *   anything else is PERSISTED_QUERY_NOT_IN_LIST (400). The same AllowList checks WebSocket subscriptions
 *   (subscriptions.ts).
 * - `off`: a persisted query is PersistedQueryNotSupported; clients then send the full query.
 * Runs after caller authentication (callerAuth.ts), which leaves the request's credential in res.locals.
 */

export interface PersistedQueriesOptions {
  mode: PersistedQueriesMode;
  /** Path of the manifest (allow-list mode). */
  manifest?: string;
  redisUrl?: string;
  /** How long a registered query is kept, ms. Default one day. */
  ttlMs?: number;
}

export interface PersistedQueries {
  middleware: RequestHandler;
  /** The manifest's operations (allow-list mode only), for the other ways operations arrive (WebSocket). */
  allowList?: AllowList;
  close(): Promise<void>;
}

/** Why an operation is refused: the HTTP status and GraphQL error code it gets. */
export interface Refusal {
  status: 400;
  code: 'PERSISTED_QUERY_NOT_IN_LIST' | 'BAD_REQUEST';
  message: string;
}

/**
 * The operations of a persisted query manifest: the one place that decides whether an operation may run in
 * allow-list mode, for HTTP requests and WebSocket subscriptions alike.
 */
export interface AllowList {
  /**
   * The document to run for an operation's `query` (absent or '' = none sent) and `extensions.persistedQuery`:
   * `{ query }` (the manifest's body; undefined when neither was sent, for the protocol's own error), or a refusal.
   */
  resolve(query: string | undefined, persistedQuery: unknown): { query: string | undefined } | { refused: Refusal };
}

const NOT_IN_LIST: Refusal = { status: 400, code: 'PERSISTED_QUERY_NOT_IN_LIST', message: 'This gateway runs only the operations of its persisted query list.' };

/** An Apollo persisted query manifest (format apollo-persisted-query-manifest, version 1). */
interface Manifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: Array<{ id: string; name?: string; type?: string; body: string }>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Memory store bounds (without Redis): a flood of registrations evicts the oldest instead of growing the heap. */
const MAX_ENTRIES = 5_000;
const MAX_STORED_CHARS = 16 * 1024 * 1024;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

type Body = { query?: unknown; extensions?: { persistedQuery?: unknown; [k: string]: unknown }; [k: string]: unknown };

const NO_CACHE = { 'cache-control': 'private, no-cache, must-revalidate' };
const reply = (res: Response, status: number, code: string, message: string) => sendError(res, status, code, message, NO_CACHE);

export function createPersistedQueries(options: PersistedQueriesOptions): PersistedQueries {
  const ttlMs = options.ttlMs ?? 86_400_000;
  const store: Keyv<string> = options.redisUrl ? createKeyv<string>('hubspot-graphql:apq', options.redisUrl) : new Keyv<string>({ namespace: 'hubspot-graphql:apq', store: new BoundedMap(MAX_ENTRIES, MAX_STORED_CHARS) });
  const allowList = options.mode === 'allow-list' ? manifestAllowList(loadManifest(options.manifest!)) : undefined;

  const middleware: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const op = operationOf(req);
      if (!op) return next();
      const pq = op.extensions?.persistedQuery;
      const query = typeof op.query === 'string' && op.query !== '' ? op.query : undefined;
      if (allowList) {
        const verdict = allowList.resolve(query, pq);
        if ('refused' in verdict) return reply(res, verdict.refused.status, verdict.refused.code, verdict.refused.message);
        return pq === undefined || verdict.query === undefined ? next() : rewrite(req, op, verdict.query, next);
      }
      if (pq === undefined) return next();
      if (options.mode === 'off') return reply(res, 200, 'PERSISTED_QUERY_NOT_SUPPORTED', 'PersistedQueryNotSupported');
      const refused = persistedQueryProblem(pq, () => false);
      if (refused) return reply(res, refused.status, refused.code, refused.message);
      const { sha256Hash } = pq as { sha256Hash: string };
      const scope = (res.locals.credential as RequestCredential | undefined)?.portalKey;
      // No portal to scope by (a request without a usable credential): nothing is stored or served.
      const key = scope && scope !== 'unresolved' ? `${scope}:${sha256Hash}` : undefined;
      if (query !== undefined) {
        if (sha256(query) !== sha256Hash) return reply(res, 400, 'BAD_REQUEST', 'provided sha does not match query');
        if (key) await store.set(key, query, ttlMs);
        return rewrite(req, op, query, next);
      }
      const stored = key ? await store.get(key) : undefined;
      if (stored === undefined) return reply(res, 200, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound');
      return rewrite(req, op, stored, next);
    } catch (e) {
      next(e);
    }
  };

  return { middleware, ...(allowList ? { allowList } : {}), close: () => store.disconnect() };
}

type Manifested = ReturnType<typeof loadManifest>;

/** A malformed extensions.persistedQuery (version 1, a hex SHA-256 or, with a manifest, an operation id), else undefined. */
function persistedQueryProblem(pq: unknown, isId: (hash: string) => boolean): Refusal | undefined {
  const { version, sha256Hash } = (pq && typeof pq === 'object' ? pq : {}) as { version?: unknown; sha256Hash?: unknown };
  if (version !== 1) return { status: 400, code: 'BAD_REQUEST', message: 'Unsupported persisted query version (this gateway speaks version 1).' };
  if (typeof sha256Hash !== 'string' || !(SHA256_HEX.test(sha256Hash) || isId(sha256Hash))) {
    return { status: 400, code: 'BAD_REQUEST', message: 'extensions.persistedQuery.sha256Hash must be the hex SHA-256 of the query.' };
  }
  return undefined;
}

function manifestAllowList(manifest: Manifested): AllowList {
  return {
    resolve(query, persistedQuery) {
      if (persistedQuery === undefined) return query === undefined || manifest.bodies.has(query) ? { query } : { refused: NOT_IN_LIST };
      const problem = persistedQueryProblem(persistedQuery, (id) => manifest.byId.has(id));
      if (problem) return { refused: problem };
      const { sha256Hash } = persistedQuery as { sha256Hash: string };
      // Own entries only (Maps): an id or hash is looked up, never inherited.
      const body = manifest.byId.get(sha256Hash) ?? manifest.byHash.get(sha256Hash);
      if (body === undefined || (query !== undefined && query !== body)) return { refused: NOT_IN_LIST };
      return { query: body };
    },
  };
}

/** The operation of a POST body or a GET's query string; undefined when there is none to look at (Apollo answers). */
function operationOf(req: Request): Body | undefined {
  if (req.method === 'POST') return req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Body) : undefined;
  if (req.method !== 'GET') return undefined;
  const params = new URL(req.originalUrl, 'http://gateway').searchParams;
  const raw = params.get('extensions');
  let extensions: Body['extensions'];
  if (raw !== null) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) extensions = parsed as Body['extensions'];
    } catch {
      // Apollo refuses malformed extensions itself.
    }
  }
  return { ...(params.has('query') ? { query: params.get('query') } : {}), ...(extensions ? { extensions } : {}) };
}

/** Hands Apollo the resolved query, without the persistedQuery extension (Apollo's own APQ is off). */
function rewrite(req: Request, op: Body, query: string, next: NextFunction): void {
  const { persistedQuery: _pq, ...extensions } = op.extensions ?? {};
  if (req.method === 'POST') {
    req.body = { ...op, query, extensions };
  } else {
    const url = new URL(req.url, 'http://gateway');
    url.searchParams.set('query', query);
    url.searchParams.set('extensions', JSON.stringify(extensions));
    req.url = `${url.pathname}${url.search}`;
  }
  next();
}

function loadManifest(path: string): { byId: Map<string, string>; byHash: Map<string, string>; bodies: Set<string> } {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new Error(`PERSISTED_QUERIES_MANIFEST ${path} could not be read as JSON: ${(e as Error).message}`);
  }
  if (manifest?.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw new Error(`PERSISTED_QUERIES_MANIFEST ${path} is not an Apollo persisted query manifest (format apollo-persisted-query-manifest, version 1)`);
  }
  const byId = new Map<string, string>();
  const byHash = new Map<string, string>();
  for (const op of manifest.operations) {
    if (typeof op?.id !== 'string' || typeof op.body !== 'string') throw new Error(`PERSISTED_QUERIES_MANIFEST ${path}: every operation needs a string id and body`);
    byId.set(op.id, op.body);
    byHash.set(sha256(op.body), op.body);
  }
  return { byId, byHash, bodies: new Set(byHash.values()) };
}

/** A Map that forgets its oldest entries beyond a count and a total size: keyv's in-memory store for APQ. */
class BoundedMap<V> extends Map<string, V> {
  private chars = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {
    super();
  }

  override set(key: string, value: V): this {
    this.delete(key);
    super.set(key, value);
    this.chars += sizeOf(value);
    while ((this.size > this.maxEntries || this.chars > this.maxChars) && this.size > 1) this.delete(this.keys().next().value!);
    return this;
  }

  override delete(key: string): boolean {
    if (!this.has(key)) return false;
    this.chars -= sizeOf(super.get(key));
    return super.delete(key);
  }

  override clear(): void {
    this.chars = 0;
    super.clear();
  }
}

const sizeOf = (value: unknown): number => (typeof value === 'string' ? value.length : (JSON.stringify(value) ?? '').length);
