import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { setPortalTypes } from '../crm/registry';
import { onDefinitionsChanged, type SchemaChange, type SchemaChangeChannel } from '../events/schemaChanges';
import { buildSubgraphSchema } from '../graphql/federation';
import type { HubSpotClient } from '../hubspot/client';
import { baseSchema, buildPortalSchema, type PortalSchema } from './build';
import { modelHash, readPortalModel, type PortalModel } from './model';

/** Apollo Server's dynamic-schema interface (@apollo/server-gateway-interface), through @apollo/server's own types. */
type GatewayInterface = ApolloServerOptionsWithGateway<never>['gateway'];
type GatewaySchemaLoadOrUpdateCallback = Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0];

export interface PortalSchemaHostOptions {
  /** Serve the subgraph schema (FEDERATION=true). */
  federation: boolean;
  logger: Logger;
  /**
   * A client for the configured portal's schema reads and that portal's key (as requests' credentials scope it),
   * or undefined when there is none (no extension then).
   */
  client?: () => Promise<{ client: HubSpotClient; portalKey: string } | undefined>;
  /** Re-read the portal this often (PORTAL_SCHEMA_REFRESH_SECONDS); 0: only on changes. */
  refreshSeconds: number;
  /** Tells the other instances of a change this one saw, and hears theirs. */
  changes: SchemaChangeChannel;
}

/** What a reload did. */
export type ReloadOutcome = 'swapped' | 'unchanged' | 'failed' | 'no-portal';

/**
 * Serves the gateway's schema and swaps it when the configured portal's definitions change — an Apollo Server
 * "gateway" (GatewayInterface): Apollo takes the schema from `onSchemaLoadOrUpdate`, and each request keeps the
 * schema it started with, so a swap drops nothing in flight. Subscriptions read `schema` for each new operation.
 *
 * Reloads come from start-up, the refresh interval, this process's property mutations (`definitionsChanged`) and
 * other instances (the change channel). One runs at a time; those asked for meanwhile are merged into the next.
 * A reload reads the portal's model, and only when its hash differs builds a schema; a build that fails keeps
 * the schema being served (and says why in the log).
 */
export class PortalSchemaHost implements GatewayInterface {
  private current: { schema: GraphQLSchema; served: GraphQLSchema; portal?: PortalSchema };
  private model: PortalModel | undefined;
  private readonly listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  private running: Promise<ReloadOutcome> | undefined;
  /** A reload asked for while one runs: the object types to re-read, or 'all'. */
  private queued: Set<string> | 'all' | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: Array<() => void> = [];
  private stopped = false;
  /** The typed portal's key, once a reload has found it. */
  private portalKey: string | undefined;
  /** Schemas built so far (tests and logs: a reload that finds nothing new builds none). */
  builds = 0;

  constructor(private readonly options: PortalSchemaHostOptions) {
    const schema = baseSchema();
    this.current = { schema, served: options.federation ? buildSubgraphSchema() : schema };
  }

  /** The plain schema being served now (subscriptions; the federated one when FEDERATION=true is `served`). */
  get schema(): GraphQLSchema {
    return this.current.schema;
  }

  /** The portal's extension being served, if any: its SDL, plan and model hash. */
  get portal(): PortalSchema | undefined {
    return this.current.portal;
  }

  async load(): Promise<{ executor: null }> {
    if (this.options.client) {
      await this.reload();
      this.unsubscribe.push(onDefinitionsChanged((change) => this.changed(change, true)));
      this.unsubscribe.push(this.options.changes.subscribe((change) => void this.changed(change, false)));
      if (this.options.refreshSeconds > 0) {
        this.timer = setInterval(() => void this.reload(), this.options.refreshSeconds * 1000);
        this.timer.unref();
      }
    }
    this.notify();
    return { executor: null };
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    this.listeners.add(callback);
    return () => void this.listeners.delete(callback);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    await this.running?.catch(() => undefined);
    await this.options.changes.close();
  }

  /** Reads the portal (all of it, or the properties of `objectTypes`) and swaps the schema if it changed. */
  reload(objectTypes?: readonly string[]): Promise<ReloadOutcome> {
    if (this.running) {
      this.queued = !objectTypes || this.queued === 'all' ? 'all' : new Set([...(this.queued ?? []), ...objectTypes]);
      return this.running.then(() => this.running ?? 'unchanged');
    }
    this.running = this.reloadNow(objectTypes).finally(() => {
      this.running = undefined;
      const next = this.queued;
      this.queued = undefined;
      if (next && !this.stopped) void this.reload(next === 'all' ? undefined : [...next]);
    });
    return this.running;
  }

  /** A change seen here (published to the other instances too) or by another instance. */
  private async changed(change: SchemaChange, local: boolean): Promise<void> {
    if (this.stopped) return;
    // Another portal's definitions (OAuth, pass-through): nothing of the typed portal to re-read.
    if (change.portalKey !== undefined && this.portalKey !== undefined && change.portalKey !== this.portalKey) return;
    await this.reload(change.objectTypes);
    if (local) void this.options.changes.publish(change).catch((err: Error) => this.options.logger.warn({ err: err.message }, 'portal schema: could not tell the other instances of a change'));
  }

  private async reloadNow(objectTypes?: readonly string[]): Promise<ReloadOutcome> {
    const log = this.options.logger;
    let model: PortalModel;
    try {
      const portal = await this.options.client?.();
      if (!portal) return 'no-portal';
      this.portalKey = portal.portalKey;
      model = await readPortalModel(portal.client, this.model, objectTypes);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'portal schema: could not read the portal\'s properties and schemas; serving the schema as it was');
      return 'failed';
    }
    if (this.stopped) return 'unchanged';
    const hash = modelHash(model);
    this.model = model;
    if (hash === this.current.portal?.hash) return 'unchanged';
    let portal: PortalSchema;
    try {
      portal = buildPortalSchema(model, this.options.federation, hash);
      this.builds++;
    } catch (err) {
      log.error({ err: (err as Error).message }, 'portal schema: the portal\'s schema does not build; serving the schema as it was');
      return 'failed';
    }
    // The registry first: a request that starts on the new schema finds its types there.
    setPortalTypes(portal.plan.customTypes.map((c) => c.type), portal.plan.addedAssociations);
    this.current = { schema: portal.schema, served: portal.served, portal };
    log.info({ customObjects: portal.plan.customTypes.length, typedProperties: [...portal.plan.added.values()].reduce((n, f) => n + f.length, 0), hash: hash.slice(0, 12) }, 'portal schema loaded');
    this.notify();
    return 'swapped';
  }

  private notify(): void {
    if (this.stopped) return;
    for (const l of this.listeners) l({ apiSchema: this.current.served, coreSupergraphSdl: '' });
  }
}
