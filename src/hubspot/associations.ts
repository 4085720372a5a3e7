import type { HubSpotClient } from './client';
import type { AssociationBatchReadResult, AssociationLabelDefinition, AssociationSpec, BatchResponse, CollectionResponse, MultiAssociatedObjectWithLabel } from './types';

/** Largest v4 association batch read (HubSpot, since 2025-02-10). */
export const ASSOCIATION_BATCH_READ_LIMIT = 1000;
/** Page size of associations per record. */
export const ASSOCIATION_PAGE_SIZE = 500;

const batch = '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch';
const pair = '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}';
const labels = '/crm/associations/v4/{fromObjectType}/{toObjectType}/labels';

/** Associations v4 (crm-associations-v4.json) and label definitions (crm-associations-schema-v4.json). */
export class AssociationsApi {
  constructor(private readonly client: HubSpotClient) {}

  list(objectType: string, objectId: string, toObjectType: string, opts: { limit?: number; after?: string } = {}) {
    return this.client.call<CollectionResponse<MultiAssociatedObjectWithLabel>>({
      method: 'GET', operation: pair, params: { objectType, objectId, toObjectType }, query: { limit: opts.limit, after: opts.after }, idempotent: true,
    });
  }

  /** One batch read of ≤1000 sources; `after` continues one source's paging. */
  batchRead(fromObjectType: string, toObjectType: string, inputs: ReadonlyArray<{ id: string; after?: string }>) {
    return this.client.call<BatchResponse<AssociationBatchReadResult>>({
      method: 'POST', operation: `${batch}/read`, params: { fromObjectType, toObjectType }, idempotent: true,
      body: { inputs: inputs.map((i) => (i.after ? { id: i.id, after: i.after } : { id: i.id })) },
    });
  }

  /** Associates two records with the given types (labelled or not). */
  create(objectType: string, objectId: string, toObjectType: string, toObjectId: string, types: AssociationSpec[]) {
    return this.client.call<{ fromObjectTypeId: string; fromObjectId: number; toObjectTypeId: string; toObjectId: number; labels: string[] }>({
      method: 'PUT', operation: `${pair}/{toObjectId}`, params: { objectType, objectId, toObjectType, toObjectId }, idempotent: true, body: types,
    });
  }

  createDefault(fromObjectType: string, fromObjectId: string, toObjectType: string, toObjectId: string) {
    return this.client.call<BatchResponse<unknown>>({
      method: 'PUT', operation: '/crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}',
      params: { fromObjectType, fromObjectId, toObjectType, toObjectId }, idempotent: true,
    });
  }

  /** Removes every association type between the two records. */
  archive(objectType: string, objectId: string, toObjectType: string, toObjectId: string) {
    return this.client.call<void>({ method: 'DELETE', operation: `${pair}/{toObjectId}`, params: { objectType, objectId, toObjectType, toObjectId }, idempotent: true });
  }

  batchCreate(fromObjectType: string, toObjectType: string, inputs: Array<{ from: { id: string }; to: { id: string }; types: AssociationSpec[] }>) {
    return this.client.call<BatchResponse<unknown>>({ method: 'POST', operation: `${batch}/create`, params: { fromObjectType, toObjectType }, idempotent: true, body: { inputs } });
  }

  batchCreateDefault(fromObjectType: string, toObjectType: string, inputs: Array<{ from: { id: string }; to: { id: string } }>) {
    return this.client.call<BatchResponse<unknown>>({ method: 'POST', operation: `${batch}/associate/default`, params: { fromObjectType, toObjectType }, idempotent: true, body: { inputs } });
  }

  batchArchive(fromObjectType: string, toObjectType: string, inputs: Array<{ from: { id: string }; to: Array<{ id: string }> }>) {
    return this.client.call<void>({ method: 'POST', operation: `${batch}/archive`, params: { fromObjectType, toObjectType }, idempotent: true, body: { inputs } });
  }

  batchArchiveLabels(fromObjectType: string, toObjectType: string, inputs: Array<{ from: { id: string }; to: { id: string }; types: AssociationSpec[] }>) {
    return this.client.call<void>({ method: 'POST', operation: `${batch}/labels/archive`, params: { fromObjectType, toObjectType }, idempotent: true, body: { inputs } });
  }

  listLabels(fromObjectType: string, toObjectType: string) {
    return this.client.call<{ results: AssociationLabelDefinition[] }>({ method: 'GET', operation: labels, params: { fromObjectType, toObjectType }, idempotent: true });
  }

  createLabel(fromObjectType: string, toObjectType: string, input: { label: string; name: string; inverseLabel?: string }) {
    return this.client.call<{ results: AssociationLabelDefinition[] }>({ method: 'POST', operation: labels, params: { fromObjectType, toObjectType }, idempotent: false, body: input });
  }

  updateLabel(fromObjectType: string, toObjectType: string, input: { associationTypeId: number; label: string; inverseLabel?: string }) {
    return this.client.call<void>({ method: 'PUT', operation: labels, params: { fromObjectType, toObjectType }, idempotent: true, body: input });
  }

  deleteLabel(fromObjectType: string, toObjectType: string, associationTypeId: number) {
    return this.client.call<void>({
      method: 'DELETE', operation: `${labels}/{associationTypeId}`, params: { fromObjectType, toObjectType, associationTypeId }, idempotent: true,
    });
  }
}
