import type { Logger } from 'pino';
import { HubSpotError } from '../hubspot/errors';
import { OAuthError, type OAuthClient } from '../hubspot/oauth';
import { CredentialError, failingCredential, portalKeyOfPortal, PORTAL_HEADER, type CredentialProvider, type HeaderReader, type RequestCredential } from './credentials';
import type { PortalTokens, TokenStore } from './tokenStore';

/**
 * Mode 2, OAuth app: one install per portal, its tokens in the token store. A request names its portal with
 * the X-HubSpot-Portal-Id header, or gets the only installed one. Access tokens are refreshed a margin before
 * `expires_in` runs out, and once more when HubSpot answers 401 to one; refreshes of one portal are
 * serialised (every request waiting on a refresh shares it). HubSpot's refresh tokens do not rotate, so two
 * gateway instances refreshing the same portal at once is harmless.
 *
 * The token store (SQLite, Redis, Postgres) is not read on every request: each portal's tokens are kept in memory
 * once installed, read or refreshed here, and used for STORE_TTL_MS, or less when they are due for a refresh
 * (which reads the store first: another instance may have refreshed already) or HubSpot answers 401 to them. The
 * list of installed portals (for requests that name none) is kept as long. So an install or uninstall made on
 * another instance is seen here within STORE_TTL_MS; one made here at once.
 */

export interface OAuthCredentialsOptions {
  client: OAuthClient;
  store: TokenStore;
  /** Refresh this many seconds before the access token expires (at most half its lifetime). */
  refreshMarginSeconds: number;
  logger?: Logger;
  now?: () => number;
}

const MAX_PORTAL_ID = 2 ** 31 - 1;
/** How long the list of installed portals, and a portal's tokens, are reused before the store is asked again. */
export const STORE_TTL_MS = 5_000;
const INSTALL_HINT = 'open /oauth/install to install the app';

export class OAuthCredentials implements CredentialProvider {
  readonly mode = 'oauth';
  private readonly refreshing = new Map<number, Promise<PortalTokens>>();
  /** Each portal's tokens as last read, installed or refreshed here, and when (this.now()). */
  private readonly known = new Map<number, { tokens: PortalTokens; at: number }>();
  /** The installed portals as last read from the store, and when (this.now()). */
  private portalList?: { ids: Promise<number[]>; readAt: number };
  /** Bumped whenever a portal is forgotten: a store read begun before must not put its tokens back in memory. */
  private forgotten = 0;
  private readonly now: () => number;

  constructor(private readonly options: OAuthCredentialsOptions) {
    this.now = options.now ?? Date.now;
  }

  async forRequest(header: HeaderReader): Promise<RequestCredential> {
    try {
      return new PortalCredential(this, await this.choosePortal(header(PORTAL_HEADER)));
    } catch (e) {
      return failingCredential(e instanceof Error ? e : new Error(String(e)));
    }
  }

  probe(): undefined {
    return undefined;
  }

  close(): Promise<void> {
    return this.options.store.close();
  }

  /** The installed portals, read from the store at most once every STORE_TTL_MS. */
  installedPortals(): Promise<number[]> {
    const at = this.now();
    if (!this.portalList || at - this.portalList.readAt >= STORE_TTL_MS) {
      const ids = this.options.store.portalIds();
      const entry = { ids, readAt: at };
      this.portalList = entry;
      // A failed read is not kept.
      ids.catch(() => {
        if (this.portalList === entry) this.portalList = undefined;
      });
    }
    return this.portalList.ids;
  }

  /** Stores a portal's tokens and keeps them in memory. */
  private async remember(tokens: PortalTokens): Promise<void> {
    await this.options.store.put(tokens);
    this.known.set(tokens.portalId, { tokens, at: this.now() });
    this.portalList = undefined;
  }

  /** Deletes a portal's tokens from the store and from memory. */
  private async forget(portalId: number): Promise<void> {
    this.forgotten++;
    this.known.delete(portalId);
    this.portalList = undefined;
    await this.options.store.delete(portalId);
  }

  /** Reads a portal's tokens from the store, keeping them in memory unless the portal was forgotten meanwhile. */
  private async read(portalId: number): Promise<PortalTokens | undefined> {
    const generation = this.forgotten;
    const tokens = await this.options.store.get(portalId);
    if (tokens && generation === this.forgotten) this.known.set(portalId, { tokens, at: this.now() });
    return tokens;
  }

  /** Exchanges the callback's code, learns the portal, stores the tokens. Reinstalling a portal replaces its tokens. */
  async install(code: string, redirectUri: string): Promise<PortalTokens> {
    const { client, store } = this.options;
    const asked = this.now();
    const grant = await client.exchangeCode(code, redirectUri);
    if (!grant.refreshToken) throw new OAuthError('POST /oauth/v1/token', 200, 'BAD_RESPONSE', 'HubSpot answered the code exchange without a refresh token');
    // HubSpot's token answer may leave out the portal: the token's metadata has it.
    const info = grant.hubId === undefined || grant.scopes === undefined ? await client.accessTokenInfo(grant.accessToken) : undefined;
    const portalId = grant.hubId ?? info!.hubId;
    if (!Number.isInteger(portalId) || portalId <= 0) throw new OAuthError('GET /oauth/v1/access-tokens/{token}', 200, 'BAD_RESPONSE', 'HubSpot did not say which portal the token belongs to');
    await this.refreshing.get(portalId)?.catch(() => undefined);
    const at = new Date(asked).toISOString();
    const tokens: PortalTokens = {
      portalId,
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      expiresAt: asked + grant.expiresIn * 1000,
      expiresIn: grant.expiresIn,
      scopes: grant.scopes ?? info?.scopes ?? [],
      installedAt: at,
      refreshedAt: at,
    };
    await this.remember(tokens);
    this.options.logger?.info({ portalId, scopes: tokens.scopes, expiresIn: grant.expiresIn }, 'OAuth install: portal tokens stored');
    return tokens;
  }

  /**
   * Revokes the portal's refresh token at HubSpot (which also ends its access tokens) and forgets the portal.
   * False when the portal was not installed. If HubSpot cannot be reached the tokens are kept, so that the
   * uninstall can be tried again rather than leave a live refresh token behind.
   */
  async uninstall(portalId: number): Promise<boolean> {
    const { client } = this.options;
    // A refresh in flight would store the tokens again after the delete.
    await this.refreshing.get(portalId)?.catch(() => undefined);
    const tokens = await this.read(portalId);
    if (!tokens) return false;
    let revoked: boolean;
    try {
      revoked = await client.revokeRefreshToken(tokens.refreshToken);
    } catch (e) {
      // HubSpot refusing the token (4xx) means it is no good anyway; only an outage keeps it.
      if (!(e instanceof OAuthError) || e.status >= 500) throw e;
      revoked = false;
    }
    await this.forget(portalId);
    this.options.logger?.info({ portalId, revokedAtHubSpot: revoked }, 'OAuth uninstall: refresh token revoked, portal tokens deleted');
    return true;
  }

  /** Whether a token is within the refresh margin of its expiry (the margin is at most half its lifetime). */
  needsRefresh(tokens: PortalTokens): boolean {
    const margin = Math.min(this.options.refreshMarginSeconds, tokens.expiresIn / 2) * 1000;
    return this.now() >= tokens.expiresAt - margin;
  }

  /** The portal's tokens (from memory, else the store), refreshed first when they are about to expire. */
  async freshTokens(portalId: number): Promise<PortalTokens> {
    const known = this.known.get(portalId);
    if (known && this.now() - known.at < STORE_TTL_MS && !this.needsRefresh(known.tokens)) return known.tokens;
    const tokens = await this.read(portalId);
    if (!tokens) throw notInstalled(portalId);
    return this.needsRefresh(tokens) ? this.refresh(portalId, tokens.accessToken) : tokens;
  }

  /**
   * New tokens replacing `stale`. One refresh per portal at a time: callers arriving meanwhile share it, and
   * a caller whose stale token was already replaced (by this or another instance) gets the stored one.
   */
  refresh(portalId: number, stale: string): Promise<PortalTokens> {
    let flight = this.refreshing.get(portalId);
    if (!flight) {
      flight = this.refreshNow(portalId, stale).finally(() => this.refreshing.delete(portalId));
      this.refreshing.set(portalId, flight);
    }
    return flight;
  }

  private async refreshNow(portalId: number, stale: string): Promise<PortalTokens> {
    const { client } = this.options;
    // Always the store's: another instance may have refreshed (or uninstalled) the portal.
    const tokens = await this.read(portalId);
    if (!tokens) {
      this.known.delete(portalId);
      throw notInstalled(portalId);
    }
    if (tokens.accessToken !== stale && !this.needsRefresh(tokens)) return tokens;
    const asked = this.now();
    let grant;
    try {
      grant = await client.refresh(tokens.refreshToken);
    } catch (e) {
      throw await this.refreshFailure(portalId, e);
    }
    const next: PortalTokens = {
      ...tokens,
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken ?? tokens.refreshToken,
      expiresAt: asked + grant.expiresIn * 1000,
      expiresIn: grant.expiresIn,
      scopes: grant.scopes ?? tokens.scopes,
      refreshedAt: new Date(asked).toISOString(),
    };
    await this.remember(next);
    this.options.logger?.info({ portalId, expiresIn: grant.expiresIn }, 'OAuth access token refreshed');
    return next;
  }

  /** A dead refresh token ends the install; other refusals fail the request; HubSpot outages stay upstream errors. */
  private async refreshFailure(portalId: number, e: unknown): Promise<Error> {
    if (!(e instanceof OAuthError)) return e instanceof Error ? e : new Error(String(e));
    if (e.invalidGrant) {
      await this.forget(portalId);
      this.options.logger?.warn({ portalId, code: e.code }, 'OAuth refresh token refused by HubSpot: portal tokens deleted');
      return new CredentialError(`HubSpot no longer accepts portal ${portalId}'s refresh token (the app was uninstalled or its access revoked): ${INSTALL_HINT} again.`);
    }
    if (e.status >= 500) {
      return new HubSpotError({ status: e.status, category: e.code, message: e.message, operation: e.operation, ...(e.correlationId ? { correlationId: e.correlationId } : {}) });
    }
    return new CredentialError(`HubSpot refused to refresh portal ${portalId}'s access token (${e.code}): ${e.message}`);
  }

  private async choosePortal(header: string | undefined): Promise<number> {
    if (header !== undefined && header.trim() !== '') {
      const id = Number(header.trim());
      if (!/^\d+$/.test(header.trim()) || id <= 0 || id > MAX_PORTAL_ID) {
        throw new CredentialError(`${PORTAL_HEADER} must be a HubSpot portal id (a positive number); got '${header.slice(0, 40)}'.`, 'BAD_USER_INPUT');
      }
      return id;
    }
    const installed = await this.installedPortals();
    if (installed.length === 1) return installed[0]!;
    if (installed.length === 0) throw new CredentialError(`No HubSpot portal is installed yet: ${INSTALL_HINT} in one.`);
    throw new CredentialError(`${installed.length} HubSpot portals are installed (${installed.join(', ')}): choose one with the ${PORTAL_HEADER} header.`, 'BAD_USER_INPUT');
  }
}

const notInstalled = (portalId: number) => new CredentialError(`HubSpot portal ${portalId} is not installed: ${INSTALL_HINT} in it.`);

/** One request's view of a portal's tokens: read once, re-read only near expiry or after a 401. */
class PortalCredential implements RequestCredential {
  readonly portalKey: string;
  private current?: PortalTokens;

  constructor(
    private readonly owner: OAuthCredentials,
    private readonly portalId: number,
  ) {
    this.portalKey = portalKeyOfPortal(portalId);
  }

  async token(): Promise<string> {
    if (!this.current || this.owner.needsRefresh(this.current)) this.current = await this.owner.freshTokens(this.portalId);
    return this.current.accessToken;
  }

  async renewAfterRejection(rejected: string): Promise<boolean> {
    this.current = await this.owner.refresh(this.portalId, rejected);
    return this.current.accessToken !== rejected;
  }
}
