import type { HubSpotClient } from './client';
import type { BatchResponse, Property, PropertyGroup, PropertyOption } from './types';

export interface PropertyCreate {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description?: string;
  options?: PropertyOption[];
  displayOrder?: number;
  hasUniqueValue?: boolean;
  hidden?: boolean;
  formField?: boolean;
}

const base = '/crm/v3/properties/{objectType}';

/** Properties and property groups v3 (crm-properties-v3.json). */
export class PropertiesApi {
  constructor(private readonly client: HubSpotClient) {}

  list(objectType: string, opts: { archived?: boolean } = {}) {
    return this.client.call<{ results: Property[] }>({ method: 'GET', operation: base, params: { objectType }, query: { archived: opts.archived }, idempotent: true });
  }
  get(objectType: string, propertyName: string) {
    return this.client.call<Property>({ method: 'GET', operation: `${base}/{propertyName}`, params: { objectType, propertyName }, idempotent: true });
  }
  create(objectType: string, input: PropertyCreate) {
    return this.client.call<Property>({ method: 'POST', operation: base, params: { objectType }, idempotent: false, body: input });
  }
  update(objectType: string, propertyName: string, input: Partial<Omit<PropertyCreate, 'name' | 'type' | 'hasUniqueValue'>> & { type?: string }) {
    return this.client.call<Property>({ method: 'PATCH', operation: `${base}/{propertyName}`, params: { objectType, propertyName }, idempotent: true, body: input });
  }
  archive(objectType: string, propertyName: string) {
    return this.client.call<void>({ method: 'DELETE', operation: `${base}/{propertyName}`, params: { objectType, propertyName }, idempotent: true });
  }
  batchRead(objectType: string, names: readonly string[], archived = false) {
    return this.client.call<BatchResponse<Property>>({
      method: 'POST', operation: `${base}/batch/read`, params: { objectType }, idempotent: true,
      body: { inputs: names.map((name) => ({ name })), archived, dataSensitivity: 'non_sensitive' },
    });
  }
  batchCreate(objectType: string, inputs: PropertyCreate[]) {
    return this.client.call<BatchResponse<Property>>({ method: 'POST', operation: `${base}/batch/create`, params: { objectType }, idempotent: false, body: { inputs } });
  }
  batchArchive(objectType: string, names: readonly string[]) {
    return this.client.call<void>({ method: 'POST', operation: `${base}/batch/archive`, params: { objectType }, idempotent: true, body: { inputs: names.map((name) => ({ name })) } });
  }
  listGroups(objectType: string) {
    return this.client.call<{ results: PropertyGroup[] }>({ method: 'GET', operation: `${base}/groups`, params: { objectType }, idempotent: true });
  }
  getGroup(objectType: string, groupName: string) {
    return this.client.call<PropertyGroup>({ method: 'GET', operation: `${base}/groups/{groupName}`, params: { objectType, groupName }, idempotent: true });
  }
  createGroup(objectType: string, input: { name: string; label: string; displayOrder?: number }) {
    return this.client.call<PropertyGroup>({ method: 'POST', operation: `${base}/groups`, params: { objectType }, idempotent: false, body: input });
  }
  updateGroup(objectType: string, groupName: string, input: { label?: string; displayOrder?: number }) {
    return this.client.call<PropertyGroup>({ method: 'PATCH', operation: `${base}/groups/{groupName}`, params: { objectType, groupName }, idempotent: true, body: input });
  }
  archiveGroup(objectType: string, groupName: string) {
    return this.client.call<void>({ method: 'DELETE', operation: `${base}/groups/{groupName}`, params: { objectType, groupName }, idempotent: true });
  }
}
