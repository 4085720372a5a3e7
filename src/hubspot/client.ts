import { HubSpotError } from './errors';
import type { HttpMethod, Transport } from './transport';
import { AccountApi } from './account';
import { AssociationsApi } from './associations';
import { ObjectsApi } from './objects';
import { OwnersApi } from './owners';
import { PipelinesApi } from './pipelines';
import { PropertiesApi } from './properties';
import { FilesApi } from './files';
import { WebhooksApi, type DeveloperApp } from './webhooks';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** One HubSpot operation, described without its URL's host or the token. */
export interface HubSpotCall {
  method: HttpMethod;
  /** The spec's path template, e.g. `/crm/v3/objects/{objectType}/batch/read`: used for logs, metrics and errors. */
  operation: string;
  /** Path parameters, substituted (URL-encoded) into the template. */
  params?: Record<string, string | number>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** A body that is not JSON (multipart file uploads): sent as these bytes with this Content-Type, in place of `body`. */
  rawBody?: { contentType: string; bytes: Uint8Array };
  /** Safe to send twice (reads, batch reads, searches): lets a retry policy retry 5xx and timeouts. */
  idempotent: boolean;
  /** Counts against HubSpot's search limit (4/s) rather than only the burst limit. */
  search?: boolean;
  /**
   * Whose credential: the portal's token (default), or the developer app's API key, sent as the `hapikey` query
   * parameter in place of the token — HubSpot's developer APIs (webhooks) manage an app, not a portal.
   */
  auth?: 'portal' | 'developer';
}

export interface CallOutcome {
  call: HubSpotCall;
  status: number;
  durationMs: number;
  error?: HubSpotError;
  headers?: Record<string, string | undefined>;
}

/**
 * Where retries and rate limiting plug in (Part 4): a policy wraps every attempt of every call. The default
 * sends once.
 */
export interface CallPolicy {
  execute<T>(call: HubSpotCall, attempt: () => Promise<T>): Promise<T>;
  /** Told of every HTTP exchange (headers included), e.g. to follow HubSpot's rate-limit headers. */
  observe?(outcome: CallOutcome): void;
}

export const sendOnce: CallPolicy = { execute: (_call, attempt) => attempt() };

export interface HubSpotClientOptions {
  transport: Transport;
  /** The access token for this portal (private-app or OAuth); a function so OAuth can refresh it. */
  credential: () => string | Promise<string>;
  /** The app for the developer APIs (webhooks) and its developer API key; unset when not configured. */
  developerApp?: DeveloperApp;
  policy?: CallPolicy;
  /** Told of every HTTP exchange (for counting, metrics and logs). Must not throw. */
  onCall?: (outcome: CallOutcome) => void;
  /** Cancels in-flight calls when the GraphQL request is over or past its deadline. */
  signal?: AbortSignal;
}

/**
 * The HubSpot REST client, one per GraphQL request and portal (cheap: the connection pool lives in Transport).
 * Resolvers call domain methods (`objects.batchRead`, `associations.batchRead` …) and never see URLs, status
 * codes or headers. The steps (authorize, resolve URL, parse, map error) are protected methods, changeable in
 * one place.
 */
export class HubSpotClient {
  readonly objects = new ObjectsApi(this);
  readonly associations = new AssociationsApi(this);
  readonly pipelines = new PipelinesApi(this);
  readonly properties = new PropertiesApi(this);
  readonly owners = new OwnersApi(this);
  readonly account = new AccountApi(this);
  readonly files = new FilesApi(this);
  readonly webhooks = new WebhooksApi(this, () => this.options.developerApp);

  constructor(protected readonly options: HubSpotClientOptions) {}

  /** Sends one operation through the policy; resolves to the parsed body, rejects with HubSpotError. */
  async call<T>(call: HubSpotCall): Promise<T> {
    const policy = this.options.policy ?? sendOnce;
    return policy.execute(call, () => this.attempt<T>(call));
  }

  protected async attempt<T>(call: HubSpotCall): Promise<T> {
    const started = performance.now();
    const base = { accept: 'application/json', 'user-agent': 'hubspot-graphql-gateway' };
    const headers: Record<string, string> = call.auth === 'developer' ? base : await this.authorize(base);
    let body: string | Uint8Array | undefined;
    if (call.rawBody) {
      headers['content-type'] = call.rawBody.contentType;
      body = call.rawBody.bytes;
    } else if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.body);
    }
    try {
      const res = await this.options.transport.send(call.operation, call.method, this.resolvePath(call), headers, body, this.options.signal);
      if (res.status >= 200 && res.status < 300) {
        this.notify({ call, status: res.status, durationMs: performance.now() - started, headers: res.headers });
        return res.body as T;
      }
      const error = this.mapError(call, res.status, res.body, res.headers);
      this.notify({ call, status: error.status, durationMs: performance.now() - started, error, headers: res.headers });
      throw error;
    } catch (e) {
      if (e instanceof HubSpotError && e.status !== 0) throw e; // already told
      const error = e instanceof HubSpotError ? e : HubSpotError.transportFailure(call.operation, 'CONNECTION', 'call failed');
      this.notify({ call, status: error.status, durationMs: performance.now() - started, error });
      throw error;
    }
  }

  protected async authorize(headers: Record<string, string>): Promise<Record<string, string>> {
    return { ...headers, authorization: `Bearer ${await this.options.credential()}` };
  }

  protected resolvePath(call: HubSpotCall): string {
    const path = call.operation.replace(/\{(\+?)(\w+)\}/g, (_, reserved: string, name: string) => {
      const v = call.params?.[name];
      if (v === undefined || v === '') throw new TypeError(`missing path parameter ${name} for ${call.operation}`);
      // `{+name}` (RFC 6570 reserved expansion) keeps the slashes of a parameter that is itself a path (Files v3).
      return reserved ? String(v).split('/').map(encodeURIComponent).join('/') : encodeURIComponent(String(v));
    });
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(call.query ?? {})) {
      if (v === undefined) continue;
      // Lists go comma-separated, which HubSpot accepts and which keeps long property lists short.
      if (Array.isArray(v)) {
        if (v.length) query.set(k, v.join(','));
      } else query.set(k, String(v));
    }
    if (call.auth === 'developer') query.set('hapikey', this.options.developerApp?.developerApiKey ?? '');
    const qs = query.toString();
    return qs ? `${path}?${qs}` : path;
  }

  protected mapError(call: HubSpotCall, status: number, body: unknown, headers: Record<string, string | undefined>): HubSpotError {
    return HubSpotError.fromResponse(call.operation, status, body, headers['retry-after']);
  }

  private notify(outcome: CallOutcome): void {
    try {
      this.options.policy?.observe?.(outcome);
      this.options.onCall?.(outcome);
    } catch {
      // A listener's failure must never fail the call.
    }
  }
}
