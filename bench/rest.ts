import { Pool } from 'undici';
import { globalId } from '../src/graphql/ids';

/**
 * The hand-written REST baseline: the calls a careful engineer would make to HubSpot for the same data as the
 * gateway's query — the same endpoints, batch sizes and property lists, independent calls in parallel — with no
 * GraphQL, no DataLoader and no policy (rate limiter, retries) in between. It runs in the benchmark's process over
 * its own connection pool.
 */
export class RestApi {
  private readonly pool: Pool;

  constructor(baseUrl: string, private readonly token: string, connections: number) {
    this.pool = new Pool(baseUrl, { connections, pipelining: 1 });
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    try {
      return await this.send<T>(method, path, body);
    } catch (e) {
      // A kept-alive connection the server closed as it was reused: every call here is a read or an upsert, safe to resend.
      if ((e as { code?: string }).code !== 'ECONNRESET' && (e as { code?: string }).code !== 'UND_ERR_SOCKET') throw e;
      return this.send<T>(method, path, body);
    }
  }

  private async send<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.pool.request({
      method,
      path,
      headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`REST ${method} ${path.split('?')[0]}: ${res.statusCode} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  }

  /** One page of a type: GET /crm/v3/objects/{type}. */
  async list(type: string, limit: number, properties: string[]): Promise<Row[]> {
    const q = new URLSearchParams({ limit: String(limit), properties: properties.join(','), archived: 'false' });
    return (await this.call<{ results: Row[] }>('GET', `/crm/v3/objects/${type}?${q}`)).results;
  }

  /** One object: GET /crm/v3/objects/{type}/{id}. */
  get(type: string, id: string, properties: string[]): Promise<Row> {
    return this.call<Row>('GET', `/crm/v3/objects/${type}/${encodeURIComponent(id)}?${new URLSearchParams({ properties: properties.join(',') })}`);
  }

  /** Records by id, ⌈ids/100⌉ batch reads in parallel; the result is keyed by id (HubSpot does not keep order). */
  async batchRead(type: string, ids: string[], properties: string[]): Promise<Map<string, Row>> {
    const pages = await Promise.all(chunks(ids, 100).map((inputs) => this.call<{ results: Row[] }>('POST', `/crm/v3/objects/${type}/batch/read`, { inputs: inputs.map((id) => ({ id })), properties, propertiesWithHistory: [] })));
    return new Map(pages.flatMap((p) => p.results).map((r) => [r.id, r]));
  }

  /** The first `first` associated ids of each source, ⌈sources/1000⌉ v4 batch reads in parallel. */
  async associations(from: string, to: string, ids: string[], first: number): Promise<Map<string, string[]>> {
    const pages = await Promise.all(
      chunks(ids, 1000).map((inputs) =>
        this.call<{ results: Array<{ from: { id: string }; to: Array<{ toObjectId: number | string }> }> }>('POST', `/crm/v4/associations/${from}/${to}/batch/read`, { inputs: inputs.map((id) => ({ id })) }),
      ),
    );
    return new Map(pages.flatMap((p) => p.results).map((r) => [String(r.from.id), r.to.slice(0, first).map((t) => String(t.toObjectId))]));
  }

  /** One search page. */
  async search(type: string, body: Record<string, unknown>): Promise<Row[]> {
    return (await this.call<{ results: Row[] }>('POST', `/crm/v3/objects/${type}/search`, body)).results;
  }

  /** Creates or updates by a unique property, ⌈inputs/100⌉ batch upserts in parallel. */
  async batchUpsert(type: string, idProperty: string, inputs: Array<{ id: string; properties: Record<string, string> }>): Promise<Row[]> {
    const pages = await Promise.all(
      chunks(inputs, 100).map((part) => this.call<{ results: Row[] }>('POST', `/crm/v3/objects/${type}/batch/upsert`, { inputs: part.map((i) => ({ ...i, idProperty })) })),
    );
    return pages.flatMap((p) => p.results);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface Row {
  id: string;
  properties: Record<string, string | null>;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The gateway's global id of a HubSpot record, so REST results and GraphQL answers compare id for id. */
export const gid = globalId;
