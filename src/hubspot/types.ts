/**
 * HubSpot's wire shapes, as the official OpenAPI specs (../shared/hubspot-openapi) name them. Written by hand
 * from the specs (which may not be copied into the project); only what the gateway reads or sends.
 */
export type Properties = Record<string, string | null>;

export interface ValueWithTimestamp {
  value: string;
  timestamp: string;
  sourceType: string;
  sourceId?: string;
  sourceLabel?: string;
  updatedByUserId?: number;
}

export interface AssociationSpec {
  associationCategory: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED' | 'WORK';
  associationTypeId: number;
}

export interface SimplePublicObject {
  id: string;
  properties: Properties;
  propertiesWithHistory?: Record<string, ValueWithTimestamp[]>;
  createdAt: string;
  updatedAt: string;
  archived?: boolean;
  archivedAt?: string;
  associations?: Record<string, { results: Array<{ id: string; type: string }>; paging?: Paging }>;
  new?: boolean;
}

export interface Paging {
  next?: { after: string; link?: string };
}

export interface CollectionResponse<T> {
  results: T[];
  paging?: Paging;
}

export interface SearchResponse extends CollectionResponse<SimplePublicObject> {
  total: number;
}

export interface StandardError {
  status: string;
  category: string;
  message: string;
  context?: Record<string, string[]>;
  errors?: Array<{ message: string; in?: string; code?: string; context?: Record<string, string[]> }>;
  id?: string;
}

/** A batch answer; `errors` is present on 207 Multi-Status. */
export interface BatchResponse<T> {
  status: 'PENDING' | 'PROCESSING' | 'CANCELED' | 'COMPLETE';
  results: T[];
  startedAt: string;
  completedAt: string;
  numErrors?: number;
  errors?: StandardError[];
}

export type FilterOperator =
  | 'EQ' | 'NEQ' | 'LT' | 'LTE' | 'GT' | 'GTE' | 'BETWEEN' | 'IN' | 'NOT_IN'
  | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY' | 'CONTAINS_TOKEN' | 'NOT_CONTAINS_TOKEN';

export interface Filter {
  propertyName: string;
  operator: FilterOperator;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface SearchRequest {
  query?: string;
  filterGroups?: Array<{ filters: Filter[] }>;
  sorts?: string[];
  properties?: string[];
  limit?: number;
  after?: string;
}

export interface AssociationType {
  category: AssociationSpec['associationCategory'];
  typeId: number;
  label: string | null;
}

export interface MultiAssociatedObjectWithLabel {
  toObjectId: number | string;
  associationTypes: AssociationType[];
}

export interface AssociationBatchReadResult {
  from: { id: string };
  to: MultiAssociatedObjectWithLabel[];
  paging?: Paging;
}

export interface AssociationLabelDefinition {
  category: AssociationSpec['associationCategory'];
  typeId: number;
  label: string | null;
}

export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  writePermissions?: string;
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStage[];
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder?: number;
  hidden: boolean;
  description?: string;
}

export interface Property {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder?: number;
  calculated?: boolean;
  externalOptions?: boolean;
  hasUniqueValue?: boolean;
  hidden?: boolean;
  formField?: boolean;
  hubspotDefined?: boolean;
  archived?: boolean;
  referencedObjectType?: string;
  modificationMetadata?: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean; readOnlyOptions?: boolean };
  createdAt?: string;
  updatedAt?: string;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export interface Owner {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  userId?: number;
  userIdIncludingInactive?: number;
  type: 'PERSON' | 'QUEUE';
  teams?: Array<{ id: string; name: string; primary: boolean }>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface AccountDetails {
  portalId: number;
  accountType: string;
  timeZone: string;
  companyCurrency: string;
  additionalCurrencies: string[];
  utcOffset: string;
  utcOffsetMilliseconds: number;
  uiDomain: string;
  dataHostingLocation: string;
}

export interface ApiUsage {
  name: string;
  usageLimit: number;
  currentUsage: number;
  collectedAt: string;
  resetsAt?: string;
  fetchStatus: 'SUCCESS' | 'CACHED' | 'NOTFOUND' | 'TIMEOUT' | 'FAILURE';
}
