import type { Logger } from 'pino';
import type { CredentialProvider, RequestCredential } from '../auth/credentials';
import type { GatewayContext } from '../context';
import { canonicalType } from '../crm/connections';
import { metadataKeys, type CrmMetadata } from '../crm/metadata';
import { crmTypeOf } from '../crm/registry';
import type { Pipeline } from '../hubspot/types';
import { heldCredential, type PortalDirectory } from './portals';
import type { CrmEvent, EventBus } from './types';

/**
 * Which caches CRM events invalidate, and why only those.
 *
 * What outlives a request, per portal, is the metadata cache (pipelines, owners, property definitions and groups,
 * association labels: src/cache/metadata.ts). Nothing is cached per record: loaders live for one request (or one
 * subscription event), so creations, deletions, merges, restores and privacy deletions leave nothing stale behind,
 * and invalidate nothing.
 *
 * HubSpot sends no webhook when metadata changes (a stage added to a pipeline, a new user who owns records). But a
 * property change whose value is a pipeline, stage or owner the cached metadata does not know shows that the
 * cache is stale: that entry is dropped for the portal, so the next read (`Deal.stage { label }`, a subscription's
 * stage) loads it afresh instead of answering null until METADATA_TTL_SECONDS runs out. The check reads through the
 * cache (a miss loads the list, which the next query would load anyway) with a credential the gateway holds for
 * the event's portal: its OAuth install, or the private-app token when it reaches that portal. In pass-through mode
 * the gateway holds no token, and the entries just age out.
 */

/** The owner of a record of any type. */
const OWNER_PROPERTY = 'hubspot_owner_id';

/** The pipeline and stage properties of a type with pipelines (deals: `pipeline`/`dealstage`, tickets: `hs_pipeline`/`hs_pipeline_stage`). */
export function pipelineProperties(objectType: string): { pipeline: string; stage: string } | undefined {
  const link = crmTypeOf(objectType)?.links.find((l) => l.type === 'PipelineStage');
  return link ? { pipeline: link.properties[0]!, stage: link.properties[1]! } : undefined;
}

/** The pipelines re-read for a request (or an event), by type: once is enough, and concurrent fields share it. */
const rereads = new WeakMap<CrmMetadata, Map<string, Promise<void>>>();

/**
 * The pipelines of the type that have a stage `stageId`, re-reading the pipelines when none of the cached ones
 * has — at most once per request or event, so that a stage id HubSpot does not know costs one read, not one per field.
 */
export async function pipelinesWithStage(metadata: CrmMetadata, objectType: string, stageId: string): Promise<Pipeline[]> {
  const find = async () => (await metadata.pipelines(objectType)).filter((p) => p.stages.some((s) => s.id === stageId));
  const found = await find();
  if (found.length > 0) return found;
  const type = canonicalType(objectType);
  let perType = rereads.get(metadata);
  if (!perType) rereads.set(metadata, (perType = new Map()));
  let reread = perType.get(type);
  if (!reread) perType.set(type, (reread = metadata.invalidatePipelines(objectType)));
  await reread;
  return find();
}

/** Whether an event could show cached metadata to be stale (a property change to a pipeline, stage or owner). */
export function mayRevealStaleMetadata(event: CrmEvent): boolean {
  if (event.kind !== 'propertyChange' || !event.propertyName || !event.propertyValue) return false;
  if (event.propertyName === OWNER_PROPERTY) return true;
  const pipeline = pipelineProperties(canonicalType(event.objectType));
  return pipeline !== undefined && (event.propertyName === pipeline.stage || event.propertyName === pipeline.pipeline);
}

/** Drops the portal's cached metadata that `event` shows to be stale; returns the names of the entries dropped. */
export async function invalidateStaleMetadata(metadata: CrmMetadata, event: CrmEvent): Promise<string[]> {
  if (!mayRevealStaleMetadata(event)) return [];
  const value = event.propertyValue!;
  if (event.propertyName === OWNER_PROPERTY) {
    if (await metadata.owner(value)) return [];
    await metadata.invalidate(metadataKeys.owners());
    return [metadataKeys.owners()];
  }
  const type = canonicalType(event.objectType);
  const pipeline = pipelineProperties(type)!;
  const known = event.propertyName === pipeline.stage ? await metadata.stage(type, null, value) : await metadata.pipeline(type, value);
  if (known) return [];
  await metadata.invalidatePipelines(type);
  return [metadataKeys.pipelines(type)];
}

export interface InvalidationOptions {
  events: EventBus;
  credentials: CredentialProvider;
  portals: PortalDirectory;
  /** A context for the gateway's own reads (as a request's: rate-limited and retried for the credential's portal). */
  createContext: (credential: RequestCredential, signal: AbortSignal) => Promise<GatewayContext>;
  logger: Logger;
}

/**
 * Subscribes to the bus and invalidates what events show to be stale. Events of one tick are checked together,
 * per portal, through one context (so each metadata list is read once). Failures are logged, never thrown: the
 * entries then age out as usual. `close` unsubscribes and waits for checks in progress.
 */
export function invalidateOnEvents(options: InvalidationOptions): { close(): Promise<void> } {
  const { logger } = options;
  const abort = new AbortController();
  const running = new Set<Promise<void>>();
  let batch: CrmEvent[] = [];
  let scheduled: NodeJS.Immediate | undefined;

  const checkPortal = async (portalId: number, events: CrmEvent[]) => {
    const credential = await heldCredential(options.credentials, portalId);
    if (!credential) return;
    const ctx = await options.createContext(credential, abort.signal);
    // A private-app token reaches one portal: events of another are not this gateway's to check.
    if ((await options.portals.portalIdOf(credential.portalKey, () => ctx.hubspot.account.details())) !== portalId) return;
    for (const event of events) {
      const dropped = await invalidateStaleMetadata(ctx.metadata, event);
      if (dropped.length) logger.info({ portalId, eventId: event.eventId, property: event.propertyName, dropped }, 'event showed cached metadata stale: dropped');
    }
  };

  const flush = () => {
    scheduled = undefined;
    const byPortal = new Map<number, CrmEvent[]>();
    for (const e of batch) byPortal.set(e.portalId, [...(byPortal.get(e.portalId) ?? []), e]);
    batch = [];
    for (const [portalId, events] of byPortal) {
      const check = checkPortal(portalId, events)
        .catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err), portalId }, 'checking cached metadata against events failed'))
        .finally(() => running.delete(check));
      running.add(check);
    }
  };

  const unsubscribe = options.events.subscribe((event) => {
    if (!mayRevealStaleMetadata(event)) return;
    batch.push(event);
    scheduled ??= setImmediate(flush);
  });

  return {
    async close() {
      unsubscribe();
      if (scheduled) clearImmediate(scheduled);
      batch = [];
      abort.abort();
      await Promise.allSettled([...running]);
    },
  };
}
