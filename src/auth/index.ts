import type { Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createKeyv } from '../cache/keyvStore';
import type { Config } from '../config';
import { OAuthClient } from '../hubspot/oauth';
import type { Transport } from '../hubspot/transport';
import { PassThroughCredentials, PrivateAppCredentials, type CredentialProvider } from './credentials';
import { OAuthCredentials } from './oauthCredentials';
import { oauthRoutes } from './oauthRoutes';
import { KeyvUsedNonces, StateSigner } from './state';
import { TokenStore } from './tokenStore';

/** How long an install may take from /oauth/install to the callback. */
export const STATE_TTL_MS = 10 * 60_000;

export interface Auth {
  credentials: CredentialProvider;
  /** The install flow (OAuth app mode only), to mount at /oauth. */
  routes?: Router;
  close(): Promise<void>;
}

/**
 * The credential mode the configuration asks for. `privateAppToken` is the token of private-app mode
 * (HUBSPOT_TOKEN, or the embedded emulator's demo token, known only once it runs).
 */
export function createAuth(config: Config, transport: Transport, logger: Logger, privateAppToken?: () => string): Auth {
  if (config.authMode === 'pass-through') {
    const credentials = new PassThroughCredentials();
    return { credentials, close: () => credentials.close() };
  }
  if (config.authMode === 'oauth' && config.oauth) {
    const o = config.oauth;
    const credentials = new OAuthCredentials({
      client: new OAuthClient(transport, { clientId: o.clientId, clientSecret: o.clientSecret }),
      store: TokenStore.open(config.tokenStoreUrl),
      refreshMarginSeconds: o.refreshMarginSeconds,
      logger,
    });
    // Used states are remembered in Redis when there is one, so that no instance accepts a replay.
    const usedStates = createKeyv<number>('hubspot-graphql:oauth-state', config.redisUrl);
    const signer = new StateSigner(o.stateSecret ?? randomBytes(32), STATE_TTL_MS, new KeyvUsedNonces(usedStates));
    const routes = oauthRoutes({
      credentials,
      signer,
      clientId: o.clientId,
      authorizeUrl: o.authorizeUrl,
      scopes: o.scopes,
      optionalScopes: o.optionalScopes,
      ...(o.redirectUri !== undefined ? { redirectUri: o.redirectUri } : {}),
      logger,
    });
    return {
      credentials,
      routes,
      close: async () => {
        await credentials.close();
        await usedStates.disconnect();
      },
    };
  }
  const token = privateAppToken ?? (() => config.hubspotToken ?? '');
  const credentials = new PrivateAppCredentials(token);
  return { credentials, close: () => credentials.close() };
}
