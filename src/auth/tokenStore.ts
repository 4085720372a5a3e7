import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { fileURLToPath } from 'node:url';
import { SqliteKeyvStore } from './sqliteStore';

/**
 * The OAuth tokens of every installed portal, in a keyv store chosen by URL: a SQLite file (the default: tokens
 * survive a restart with no database server), Redis or PostgreSQL (several gateway instances share the installs).
 * Records are keyed by portal id; one more key lists the installed portals, since not every keyv store can
 * list its keys.
 */

export interface PortalTokens {
  portalId: number;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, epoch ms (HubSpot's `expires_in` counted from its answer). */
  expiresAt: number;
  /** The lifetime HubSpot gave the access token, in seconds (the refresh margin is capped by half of it). */
  expiresIn: number;
  scopes: string[];
  installedAt: string;
  refreshedAt: string;
}

export type TokenStoreKind = 'sqlite' | 'redis' | 'postgres';

/** Which store a TOKEN_STORE_URL names: redis(s)://, postgres(ql)://, sqlite:// or a bare file path. */
export function tokenStoreKind(url: string): TokenStoreKind {
  if (/^rediss?:\/\//i.test(url)) return 'redis';
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  return 'sqlite';
}

/** The file of a sqlite:// URL (sqlite:///abs/path, sqlite://relative/path, file:///abs/path) or of a bare path. */
export function sqlitePathOf(url: string): string {
  if (/^file:\/\//i.test(url)) return fileURLToPath(url);
  const m = url.match(/^sqlite:\/\/(.*)$/i);
  return m ? decodeURIComponent(m[1]!) : url;
}

const NAMESPACE = 'hubspot-graphql:oauth-tokens';
const INDEX_KEY = 'installed-portals';
const portalKey = (portalId: number) => `portal:${portalId}`;

export class TokenStore {
  /** Index updates are read-modify-write: chained so that two installs at once both land. */
  private indexUpdate: Promise<unknown> = Promise.resolve();

  constructor(private readonly keyv: Keyv) {}

  /**
   * Opens the store a TOKEN_STORE_URL names. Store failures surface as errors: a lost token write must not pass
   * silently. (`namespace` keeps tests apart from real installs in a shared Redis or PostgreSQL.)
   */
  static open(url: string, namespace = NAMESPACE): TokenStore {
    switch (tokenStoreKind(url)) {
      case 'redis': {
        const store = new KeyvRedis(url, { throwOnConnectError: true, throwOnErrors: true });
        return new TokenStore(new Keyv({ store, namespace, useKeyPrefix: false, throwOnErrors: true }));
      }
      case 'postgres': {
        // (@keyv/postgres keeps one connection pool per process; close() ends it.)
        const store = new KeyvPostgres({ uri: url, table: 'hubspot_graphql_oauth_tokens', connectionTimeoutMillis: 5_000 });
        return new TokenStore(new Keyv({ store, namespace, throwOnErrors: true }));
      }
      case 'sqlite':
        return new TokenStore(new Keyv({ store: new SqliteKeyvStore(sqlitePathOf(url), 'oauth_tokens'), namespace, throwOnErrors: true }));
    }
  }

  async get(portalId: number): Promise<PortalTokens | undefined> {
    return (await this.keyv.get<PortalTokens>(portalKey(portalId))) ?? undefined;
  }

  /** Saves a portal's tokens (an install, or a refresh) and lists the portal as installed. */
  async put(tokens: PortalTokens): Promise<void> {
    await this.keyv.set(portalKey(tokens.portalId), tokens);
    await this.updateIndex((ids) => (ids.includes(tokens.portalId) ? ids : [...ids, tokens.portalId].sort((a, b) => a - b)));
  }

  /** Forgets a portal (uninstall, or a refresh token HubSpot no longer accepts). */
  async delete(portalId: number): Promise<void> {
    await this.keyv.delete(portalKey(portalId));
    await this.updateIndex((ids) => ids.filter((id) => id !== portalId));
  }

  async portalIds(): Promise<number[]> {
    return (await this.keyv.get<number[]>(INDEX_KEY)) ?? [];
  }

  /** Forgets every portal of this store's namespace. */
  async clear(): Promise<void> {
    await this.indexUpdate.catch(() => undefined);
    await this.keyv.clear();
  }

  async close(): Promise<void> {
    await this.indexUpdate.catch(() => undefined);
    await this.keyv.disconnect();
  }

  private updateIndex(change: (ids: number[]) => number[]): Promise<void> {
    const next = this.indexUpdate.catch(() => undefined).then(async () => {
      const ids = await this.portalIds();
      const updated = change(ids);
      if (updated !== ids) await this.keyv.set(INDEX_KEY, updated);
    });
    this.indexUpdate = next;
    return next;
  }
}
