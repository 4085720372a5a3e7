import { PORTAL_HEADER, portalKeyOfToken, type CredentialProvider, type HeaderReader, type RequestCredential } from '../../../src/auth/credentials';
import { schemaCredential } from '../../../src/portalSchema/portal';

/** A provider of one mode that records which portal each credential was asked for. */
function provider(mode: CredentialProvider['mode'], installed: number[] = []) {
  const asked: Array<string | undefined> = [];
  const p: CredentialProvider & { installedPortals(): Promise<number[]> } = {
    mode,
    async forRequest(header: HeaderReader): Promise<RequestCredential> {
      const portal = header(PORTAL_HEADER);
      asked.push(portal);
      return { portalKey: portal ? `hub-${portal}` : 'token', token: async () => `token-${portal ?? 'own'}` };
    },
    probe: () => undefined,
    close: async () => undefined,
    installedPortals: async () => installed,
  };
  return { p, asked };
}

describe('which portal the schema follows', () => {
  it('private app: the gateway\'s own token', async () => {
    const { p } = provider('private-app');
    expect(await (await schemaCredential(p, { enabled: true, refreshSeconds: 0 }))!.token()).toBe('token-own');
  });

  it('OAuth: PORTAL_SCHEMA_PORTAL_ID, else the lowest installed portal, else none yet', async () => {
    const first = provider('oauth', [700, 300, 500]);
    expect((await schemaCredential(first.p, { enabled: true, refreshSeconds: 0 }))!.portalKey).toBe('hub-300');
    const chosen = provider('oauth', [700, 300]);
    expect((await schemaCredential(chosen.p, { enabled: true, refreshSeconds: 0, portalId: 700 }))!.portalKey).toBe('hub-700');
    expect(await schemaCredential(provider('oauth', []).p, { enabled: true, refreshSeconds: 0 })).toBeUndefined();
  });

  it('pass-through: only PORTAL_SCHEMA_TOKEN, which also overrides the other modes', async () => {
    expect(await schemaCredential(provider('pass-through').p, { enabled: true, refreshSeconds: 0 })).toBeUndefined();
    const withToken = await schemaCredential(provider('pass-through').p, { enabled: true, refreshSeconds: 0, token: 'schema-token-123' });
    expect(withToken!.portalKey).toBe(portalKeyOfToken('schema-token-123'));
    expect(await withToken!.token()).toBe('schema-token-123');
    const { p, asked } = provider('private-app');
    expect(await (await schemaCredential(p, { enabled: true, refreshSeconds: 0, token: 'schema-token-123' }))!.token()).toBe('schema-token-123');
    expect(asked).toEqual([]);
  });
});
