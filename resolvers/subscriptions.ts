import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext, SubscriberEvents } from '../src/context';
import { canonicalType, loadRecord } from '../src/crm/connections';
import type { StageDto } from '../src/crm/metadataDtos';
import type { CrmRecord } from '../src/crm/record';
import { pipelineProperties, pipelinesWithStage } from '../src/events/invalidation';
import type { CrmEvent, CrmEventKind } from '../src/events/types';
import { HubSpotError } from '../src/hubspot/errors';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Resolver = (parent: any, args: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
type SubscriptionField = { subscribe: Resolver; resolve: Resolver };

/** The schema's CrmEventKind values are the events' own kinds inside the gateway. */
const KINDS: Record<string, CrmEventKind> = {
  CREATION: 'creation',
  DELETION: 'deletion',
  PROPERTY_CHANGE: 'propertyChange',
  MERGE: 'merge',
  RESTORE: 'restore',
  ASSOCIATION_CHANGE: 'associationChange',
  PRIVACY_DELETION: 'privacyDeletion',
};

function subscriberEvents(ctx: GatewayContext): SubscriberEvents {
  if (!ctx.events) {
    throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at the GraphQL endpoint, not over HTTP.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  }
  return ctx.events;
}

/**
 * A subscription field. Over HTTP, Apollo Server would run `resolve` once with no event: it refuses instead, with
 * the same error as `subscribe`.
 */
function subscriptionField(subscribe: Resolver, resolve: Resolver): SubscriptionField {
  return {
    subscribe,
    resolve: (event, args, ctx, info) => {
      subscriberEvents(ctx);
      return resolve(event, args, ctx, info);
    },
  };
}

export interface ChangeFilter {
  objectTypes?: string[] | null;
  objectIds?: string[] | null;
  kinds?: CrmEventKind[] | null;
  propertyNames?: string[] | null;
}

/**
 * `crmObjectChanged`'s filters, combined with AND. Without `kinds` every kind passes — or, when `propertyNames`
 * is given, only property changes (asking for the changes of some properties is not asking for creations too).
 */
export function changeFilter(args: ChangeFilter): (event: CrmEvent) => boolean {
  const types = args.objectTypes ? new Set(args.objectTypes.map(canonicalType)) : undefined;
  const ids = args.objectIds ? new Set(args.objectIds) : undefined;
  const properties = args.propertyNames ? new Set(args.propertyNames) : undefined;
  const kinds = args.kinds ? new Set(args.kinds) : properties ? new Set<CrmEventKind>(['propertyChange']) : undefined;
  return (e) =>
    (!types || types.has(canonicalType(e.objectType))) &&
    (!ids || ids.has(e.objectId)) &&
    (!kinds || kinds.has(e.kind)) &&
    (!properties || e.kind !== 'propertyChange' || (e.propertyName !== undefined && properties.has(e.propertyName)));
}

const isNotFound = (e: unknown) =>
  (e instanceof GraphQLError && e.extensions.code === 'NOT_FOUND') || (e instanceof HubSpotError && e.status === 404);

/** A record as it is now, with the properties the field selects; null when HubSpot no longer has it (deleted, archived, merged away). */
async function currentRecord(ctx: GatewayContext, objectType: string, id: string, info: GraphQLResolveInfo): Promise<CrmRecord | null> {
  try {
    return await loadRecord(ctx, objectType, id, info);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** The record an event is about now: after a merge the record that remains. */
const survivingId = (e: CrmEvent) => (e.kind === 'merge' ? (e.newObjectId ?? e.primaryObjectId ?? e.objectId) : e.objectId);

const changeFields: Record<string, Resolver> = {
  propertyValue: (e: CrmEvent) => (e.propertyValue === '' ? null : (e.propertyValue ?? null)),
  occurredAt: (e: CrmEvent) => e.occurredAt,
  object: (e: CrmEvent, _args, ctx, info) => (e.kind === 'deletion' || e.kind === 'privacyDeletion' ? null : currentRecord(ctx, e.objectType, survivingId(e), info)),
};

// ------------------------------------------------------------------------------------------- pipeline stages

/**
 * The pipeline of a stage change: the one pipeline that has the new stage (re-reading the portal's pipelines once
 * when the cached ones have none), else — a stage id in several pipelines — the record's own pipeline now.
 */
async function pipelineOfChange(ctx: GatewayContext, objectType: string, e: CrmEvent): Promise<string | null> {
  const pipelines = await pipelinesWithStage(ctx.metadata, objectType, e.propertyValue!);
  if (pipelines.length === 1) return pipelines[0]!.id;
  const property = pipelineProperties(objectType)!.pipeline;
  const record = await ctx.loaders.object(objectType).load({ id: e.objectId, properties: [property] }).catch((err: unknown) => {
    if (isNotFound(err)) return null;
    throw err;
  });
  return record?.properties[property] || null;
}

async function stageDto(ctx: GatewayContext, objectType: 'deals' | 'tickets', pipelineId: string | null, stageId: string | null): Promise<StageDto | null> {
  if (!stageId) return null;
  const stage = (await ctx.metadata.stage(objectType, pipelineId, stageId)) ?? (await ctx.metadata.stage(objectType, null, stageId));
  return stage && { ...stage, objectType };
}

/**
 * The stage a record was in before this change, from its stage property's history (newest first): the entry
 * after the one this event reports — the entry with the event's value nearest in time to the event.
 */
async function previousStageId(ctx: GatewayContext, objectType: string, e: CrmEvent): Promise<string | null> {
  const property = pipelineProperties(objectType)!.stage;
  const record = await ctx.loaders.object(objectType).load({ id: e.objectId, properties: [], history: [property] }).catch((err: unknown) => {
    if (isNotFound(err)) return null;
    throw err;
  });
  const history = record?.propertiesWithHistory[property] ?? [];
  let at = -1;
  let nearest = Infinity;
  history.forEach((h, i) => {
    const distance = Math.abs(Date.parse(h.timestamp) - e.occurredAt);
    if (h.value === e.propertyValue && distance < nearest) [at, nearest] = [i, distance];
  });
  return at >= 0 ? history[at + 1]?.value || null : null;
}

/** `dealStageChanged` / `ticketStageChanged`: the subscription field and its payload type's fields. */
function stageChanges(objectType: 'deals' | 'tickets', recordField: string): { field: SubscriptionField; payload: Record<string, Resolver> } {
  const { stage } = pipelineProperties(objectType)!;
  const isStageChange = (e: CrmEvent) => e.kind === 'propertyChange' && canonicalType(e.objectType) === objectType && e.propertyName === stage && !!e.propertyValue;
  return {
    field: subscriptionField(
      (_root, { pipelineId }, ctx) => {
        const events = subscriberEvents(ctx);
        // Which pipeline a move is in is not in the event: it is looked up (in the cached pipelines) when filtering.
        const inPipeline = async (e: CrmEvent) => (await pipelineOfChange(await events.freshContext(), objectType, e)) === pipelineId;
        return events.stream((e) => isStageChange(e) && (!pipelineId || inPipeline(e)));
      },
      (e: CrmEvent) => e,
    ),
    payload: {
      [recordField]: (e: CrmEvent, _args, ctx, info) => currentRecord(ctx, objectType, e.objectId, info),
      [`${recordField}Id`]: (e: CrmEvent) => e.objectId,
      stageId: (e: CrmEvent) => e.propertyValue,
      stage: async (e: CrmEvent, _args, ctx) => stageDto(ctx, objectType, await pipelineOfChange(ctx, objectType, e), e.propertyValue!),
      previousStageId: (e: CrmEvent, _args, ctx) => previousStageId(ctx, objectType, e),
      previousStage: async (e: CrmEvent, _args, ctx) => {
        const [pipelineId, previous] = await Promise.all([pipelineOfChange(ctx, objectType, e), previousStageId(ctx, objectType, e)]);
        return stageDto(ctx, objectType, pipelineId, previous);
      },
      occurredAt: (e: CrmEvent) => e.occurredAt,
    },
  };
}

const dealStages = stageChanges('deals', 'deal');
const ticketStages = stageChanges('tickets', 'ticket');

/** Live CRM changes (schema/subscriptions.graphql); each event's fields read through a context made for it. */
export const subscriptionResolvers: Record<string, Record<string, unknown>> = {
  CrmEventKind: KINDS,
  CrmObjectChange: changeFields,
  DealStageChange: dealStages.payload,
  TicketStageChange: ticketStages.payload,
  Subscription: {
    crmObjectChanged: subscriptionField(
      (_root, args, ctx) => subscriberEvents(ctx).stream(changeFilter(args)),
      (e: CrmEvent) => e,
    ),
    contactCreated: subscriptionField(
      (_root, _args, ctx) => subscriberEvents(ctx).stream((e) => e.kind === 'creation' && canonicalType(e.objectType) === 'contacts'),
      (e: CrmEvent, _args, ctx, info) => currentRecord(ctx, 'contacts', e.objectId, info),
    ),
    companyChanged: subscriptionField(
      (_root, args, ctx) => subscriberEvents(ctx).stream(changeFilter({ ...args, objectTypes: ['companies'] })),
      (e: CrmEvent) => e,
    ),
    dealStageChanged: dealStages.field,
    ticketStageChanged: ticketStages.field,
  } satisfies Record<string, SubscriptionField>,
};
