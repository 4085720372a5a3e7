import type { HubSpotClient } from './client';
import type {
  AssociationSpec, BatchResponse, CollectionResponse, Properties, SearchRequest, SearchResponse, SimplePublicObject,
} from './types';

/** Largest batch HubSpot takes for object batch endpoints (100; 50 with property history). */
export const OBJECT_BATCH_LIMIT = 100;
export const HISTORY_BATCH_LIMIT = 50;

export interface ReadOptions {
  properties?: readonly string[];
  propertiesWithHistory?: readonly string[];
  associations?: readonly string[];
  archived?: boolean;
  idProperty?: string;
}

export interface AssociationInput {
  to: { id: string };
  types: AssociationSpec[];
}

const base = '/crm/v3/objects/{objectType}';

/** CRM objects v3 (crm-objects-v3.json, and the per-object specs that share its shapes). */
export class ObjectsApi {
  constructor(private readonly client: HubSpotClient) {}

  list(objectType: string, opts: ReadOptions & { limit?: number; after?: string } = {}) {
    return this.client.call<CollectionResponse<SimplePublicObject>>({
      method: 'GET', operation: base, params: { objectType }, idempotent: true,
      query: { limit: opts.limit, after: opts.after, properties: opts.properties, propertiesWithHistory: opts.propertiesWithHistory, associations: opts.associations, archived: opts.archived },
    });
  }

  get(objectType: string, objectId: string, opts: ReadOptions = {}) {
    return this.client.call<SimplePublicObject>({
      method: 'GET', operation: `${base}/{objectId}`, params: { objectType, objectId }, idempotent: true,
      query: { properties: opts.properties, propertiesWithHistory: opts.propertiesWithHistory, associations: opts.associations, archived: opts.archived, idProperty: opts.idProperty },
    });
  }

  create(objectType: string, properties: Properties, associations: AssociationInput[] = []) {
    return this.client.call<SimplePublicObject>({ method: 'POST', operation: base, params: { objectType }, idempotent: false, body: { properties, associations } });
  }

  update(objectType: string, objectId: string, properties: Properties, idProperty?: string) {
    return this.client.call<SimplePublicObject>({
      method: 'PATCH', operation: `${base}/{objectId}`, params: { objectType, objectId }, query: { idProperty }, idempotent: false, body: { properties },
    });
  }

  archive(objectType: string, objectId: string) {
    return this.client.call<void>({ method: 'DELETE', operation: `${base}/{objectId}`, params: { objectType, objectId }, idempotent: true });
  }

  /** One batch read of ≤100 ids (≤50 with history); chunking is the loaders' job. */
  batchRead(objectType: string, ids: readonly string[], opts: { properties?: readonly string[]; propertiesWithHistory?: readonly string[]; idProperty?: string; archived?: boolean } = {}) {
    return this.client.call<BatchResponse<SimplePublicObject>>({
      method: 'POST', operation: `${base}/batch/read`, params: { objectType }, query: { archived: opts.archived }, idempotent: true,
      body: {
        inputs: ids.map((id) => ({ id })),
        properties: [...(opts.properties ?? [])],
        propertiesWithHistory: [...(opts.propertiesWithHistory ?? [])],
        ...(opts.idProperty ? { idProperty: opts.idProperty } : {}),
      },
    });
  }

  batchCreate(objectType: string, inputs: Array<{ properties: Properties; associations?: AssociationInput[]; objectWriteTraceId?: string }>) {
    return this.client.call<BatchResponse<SimplePublicObject>>({
      method: 'POST', operation: `${base}/batch/create`, params: { objectType }, idempotent: false,
      body: { inputs: inputs.map((i) => ({ ...i, associations: i.associations ?? [] })) },
    });
  }

  batchUpdate(objectType: string, inputs: Array<{ id: string; properties: Properties; idProperty?: string; objectWriteTraceId?: string }>) {
    return this.client.call<BatchResponse<SimplePublicObject>>({ method: 'POST', operation: `${base}/batch/update`, params: { objectType }, idempotent: false, body: { inputs } });
  }

  /** Upsert by a unique property: safe to repeat, so a retry policy may retry it. */
  batchUpsert(objectType: string, inputs: Array<{ id: string; idProperty: string; properties: Properties; objectWriteTraceId?: string }>) {
    return this.client.call<BatchResponse<SimplePublicObject>>({ method: 'POST', operation: `${base}/batch/upsert`, params: { objectType }, idempotent: true, body: { inputs } });
  }

  batchArchive(objectType: string, ids: readonly string[]) {
    return this.client.call<void>({ method: 'POST', operation: `${base}/batch/archive`, params: { objectType }, idempotent: true, body: { inputs: ids.map((id) => ({ id })) } });
  }

  merge(objectType: string, primaryObjectId: string, objectIdToMerge: string) {
    return this.client.call<SimplePublicObject>({ method: 'POST', operation: `${base}/merge`, params: { objectType }, idempotent: false, body: { primaryObjectId, objectIdToMerge } });
  }

  gdprDeleteContact(objectId: string, idProperty?: string) {
    return this.client.call<void>({
      method: 'POST', operation: '/crm/v3/objects/contacts/gdpr-delete', idempotent: true, body: { objectId, ...(idProperty ? { idProperty } : {}) },
    });
  }

  /** The spec marks every field of the search body required, so absent ones are sent empty. */
  search(objectType: string, request: SearchRequest) {
    const body = { filterGroups: [], sorts: [], properties: [], limit: 10, after: '0', ...request };
    return this.client.call<SearchResponse>({ method: 'POST', operation: `${base}/search`, params: { objectType }, idempotent: true, search: true, body });
  }
}
