import type { MetadataCache } from '../cache/metadata';
import type { HubSpotClient } from '../hubspot/client';
import type { AssociationLabelDefinition, Owner, Pipeline, PipelineStage, Property, PropertyGroup } from '../hubspot/types';
import { canonicalType } from './connections';

/** Owners come in pages; HubSpot serves up to 500 a page. */
const OWNER_PAGE = 500;

/**
 * An object type as it appears in a cache entry name: canonical (`0-1` and `contacts` share an entry) and
 * URI-encoded, so a made-up type such as `contacts:archived` can never name another entry.
 */
const typeKey = (objectType: string) => encodeURIComponent(canonicalType(objectType));

/**
 * Names of the cached entries, under the portal's key. Writers of metadata invalidate through these names, so
 * readers and writers always agree on them.
 */
export const metadataKeys = {
  pipelines: (objectType: string) => `pipelines:${typeKey(objectType)}`,
  owners: () => 'owners',
  /** HubSpot lists live and archived properties separately (`archived=true` is the recycle bin only). */
  properties: (objectType: string, archived = false) => `properties:${typeKey(objectType)}${archived ? ':archived' : ''}`,
  propertyGroups: (objectType: string) => `propertyGroups:${typeKey(objectType)}`,
  associationLabels: (fromObjectType: string, toObjectType: string) => `associationLabels:${typeKey(fromObjectType)}:${typeKey(toObjectType)}`,
};

/**
 * The portal's metadata — pipelines, owners, property definitions and groups, association labels — for one
 * request: read through the shared per-portal cache, and memoised for the request so that a query reaching
 * many deals asks once. Each list is cached whole; single items are looked up in the cached list.
 */
export class CrmMetadata {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly client: HubSpotClient,
    private readonly cache: MetadataCache,
    private readonly portalKey: string,
  ) {}

  private once<T>(name: string, load: () => Promise<T>): Promise<T> {
    let p = this.memo.get(name) as Promise<T> | undefined;
    if (!p) {
      p = this.cache.getOrLoad(this.portalKey, name, load);
      this.memo.set(name, p);
      p.catch(() => this.memo.delete(name));
    }
    return p;
  }

  pipelines(objectType: string): Promise<Pipeline[]> {
    return this.once(metadataKeys.pipelines(objectType), async () => (await this.client.pipelines.list(canonicalType(objectType))).results);
  }

  async pipeline(objectType: string, id: string | null | undefined): Promise<Pipeline | null> {
    if (!id) return null;
    return (await this.pipelines(objectType)).find((p) => p.id === id) ?? null;
  }

  /** A stage by id; the pipeline narrows the search when known (stage ids are unique per pipeline only). */
  async stage(objectType: string, pipelineId: string | null | undefined, stageId: string | null | undefined): Promise<(PipelineStage & { pipelineId: string }) | null> {
    if (!stageId) return null;
    for (const p of await this.pipelines(objectType)) {
      if (pipelineId && p.id !== pipelineId) continue;
      const s = p.stages.find((x) => x.id === stageId);
      if (s) return { ...s, pipelineId: p.id };
    }
    return null;
  }

  owners(): Promise<Owner[]> {
    return this.once(metadataKeys.owners(), async () => {
      const all: Owner[] = [];
      let after: string | undefined;
      do {
        const page = await this.client.owners.list({ limit: OWNER_PAGE, ...(after ? { after } : {}) });
        all.push(...page.results);
        after = page.paging?.next?.after;
      } while (after);
      return all;
    });
  }

  async owner(id: string | null | undefined): Promise<Owner | null> {
    if (!id) return null;
    return (await this.owners()).find((o) => o.id === id) ?? null;
  }

  /** Every property definition of the type: the live ones, or with `archived` only the archived ones. */
  propertyDefinitions(objectType: string, archived = false): Promise<Property[]> {
    return this.once(metadataKeys.properties(objectType, archived), async () => (await this.client.properties.list(canonicalType(objectType), { archived })).results);
  }

  /** A live property definition by name, from the cached list. */
  async propertyDefinition(objectType: string, name: string): Promise<Property | null> {
    return (await this.propertyDefinitions(objectType)).find((p) => p.name === name) ?? null;
  }

  propertyGroups(objectType: string): Promise<PropertyGroup[]> {
    return this.once(metadataKeys.propertyGroups(objectType), async () => (await this.client.properties.listGroups(canonicalType(objectType))).results);
  }

  async propertyGroup(objectType: string, name: string): Promise<PropertyGroup | null> {
    return (await this.propertyGroups(objectType)).find((g) => g.name === name) ?? null;
  }

  /** The association types (HubSpot's and the portal's labels) from one object type to another. */
  associationLabels(fromObjectType: string, toObjectType: string): Promise<AssociationLabelDefinition[]> {
    return this.once(metadataKeys.associationLabels(fromObjectType, toObjectType), async () =>
      (await this.client.associations.listLabels(canonicalType(fromObjectType), canonicalType(toObjectType))).results,
    );
  }

  /** Forgets cached metadata after a change made through the gateway (names from `metadataKeys`). */
  async invalidate(...names: string[]): Promise<void> {
    for (const name of names) this.memo.delete(name);
    await Promise.all(names.map((name) => this.cache.invalidate(this.portalKey, name)));
  }

  /**
   * Forgets a type's pipelines after a pipeline or stage change — and its property definitions, whose pipeline
   * and stage properties (`pipeline`, `dealstage`, `hs_pipeline_stage` …) list the pipelines as options.
   */
  invalidatePipelines(objectType: string): Promise<void> {
    return this.invalidate(metadataKeys.pipelines(objectType), metadataKeys.properties(objectType), metadataKeys.properties(objectType, true));
  }
}
