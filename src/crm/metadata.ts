import type { MetadataCache } from '../cache/metadata';
import type { HubSpotClient } from '../hubspot/client';
import type { Owner, Pipeline, PipelineStage } from '../hubspot/types';

/** Owners come in pages; HubSpot serves up to 500 a page. */
const OWNER_PAGE = 500;

/**
 * The portal's pipelines and owners, for one request: read through the shared per-portal cache, and memoised
 * for the request so that a query reaching many deals asks once.
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
    return this.once(`pipelines:${objectType}`, async () => (await this.client.pipelines.list(objectType)).results);
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
    return this.once('owners', async () => {
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

  /** Forgets cached metadata after a change made through the gateway. */
  async invalidate(name: string): Promise<void> {
    this.memo.delete(name);
    await this.cache.invalidate(this.portalKey, name);
  }
}
