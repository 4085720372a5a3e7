import { Pool, errors as undiciErrors } from 'undici';
import { HubSpotError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RawResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** Parsed JSON, or undefined for empty bodies (204). */
  body: unknown;
}

export interface TransportOptions {
  /** e.g. https://api.hubapi.com, or the emulator's URL; a path prefix is kept. */
  baseUrl: string;
  /** Keep-alive connections in the pool. */
  connections: number;
  /** Timeout of one call (headers and body), ms. */
  timeoutMs: number;
}

/**
 * The HTTP layer: one undici keep-alive pool per HubSpot origin, shared by every request's client. It sends
 * bytes and parses JSON; it knows nothing of HubSpot's operations. Failures without a usable answer become
 * HubSpotError with a `transport` kind (TIMEOUT, CONNECTION, BAD_RESPONSE).
 */
export class Transport {
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(readonly options: TransportOptions) {
    const url = new URL(options.baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async send(operation: string, method: HttpMethod, pathAndQuery: string, headers: Record<string, string>, body?: string | Uint8Array, signal?: AbortSignal): Promise<RawResponse> {
    if (signal?.aborted) throw cancelled(operation);
    let res;
    try {
      res = await this.pool.request({
        method,
        path: this.prefix + pathAndQuery,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      throw signal?.aborted ? cancelled(operation) : toTransportError(operation, e);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      if (signal?.aborted) throw cancelled(operation);
      const error = toTransportError(operation, e);
      // The answer began but its body never completed: a cut-off response, not a failed connection.
      throw error.transport === 'CONNECTION' ? HubSpotError.transportFailure(operation, 'BAD_RESPONSE', `HubSpot's answer (status ${res.statusCode}) was cut off`) : error;
    }
    const flat: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : v;
    if (text === '') return { status: res.statusCode, headers: flat, body: undefined };
    const isJson = (flat['content-type'] ?? '').includes('json');
    try {
      return { status: res.statusCode, headers: flat, body: isJson ? JSON.parse(text) : text };
    } catch {
      throw HubSpotError.transportFailure(operation, 'BAD_RESPONSE', `HubSpot sent a malformed JSON body (status ${res.statusCode})`);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const cancelled = (operation: string) => HubSpotError.transportFailure(operation, 'TIMEOUT', 'the call was cancelled (deadline reached or client gone)');

function toTransportError(operation: string, e: unknown): HubSpotError {
  if (e instanceof HubSpotError) return e;
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError || e instanceof undiciErrors.ConnectTimeoutError) {
    return HubSpotError.transportFailure(operation, 'TIMEOUT', 'HubSpot did not answer in time');
  }
  if (e instanceof undiciErrors.RequestAbortedError || (e instanceof Error && e.name === 'AbortError')) return cancelled(operation);
  if (e instanceof undiciErrors.ResponseContentLengthMismatchError) {
    return HubSpotError.transportFailure(operation, 'BAD_RESPONSE', 'HubSpot closed the connection before the whole body arrived');
  }
  const code = (e as { code?: string })?.code;
  return HubSpotError.transportFailure(operation, 'CONNECTION', `connection to HubSpot failed${code ? ` (${code})` : ''}`);
}
