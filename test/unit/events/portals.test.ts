import { PortalDirectory } from '../../../src/events/portals';
import { changeFilter } from '../../../resolvers/subscriptions';
import type { CrmEvent } from '../../../src/events/types';

describe('PortalDirectory', () => {
  test("an OAuth key names its portal: no HubSpot call", async () => {
    const details = jest.fn();
    expect(await new PortalDirectory().portalIdOf('hub-4242', details)).toBe(4242);
    expect(details).not.toHaveBeenCalled();
  });

  test("a token's portal is read once (concurrent asks share the read) and remembered for its key", async () => {
    const portals = new PortalDirectory();
    const details = jest.fn(async () => ({ portalId: 111 }));
    expect(await Promise.all([portals.portalIdOf('abc123', details), portals.portalIdOf('abc123', details)])).toEqual([111, 111]);
    expect(await portals.portalIdOf('abc123', details)).toBe(111);
    expect(details).toHaveBeenCalledTimes(1);
    expect(portals.keysOf(111)).toEqual(['hub-111', 'abc123']);
    expect(portals.keysOf(222)).toEqual(['hub-222']);
  });

  test('a failed read is not remembered', async () => {
    const portals = new PortalDirectory();
    await expect(portals.portalIdOf('k', async () => Promise.reject(new Error('401')))).rejects.toThrow('401');
    expect(await portals.portalIdOf('k', async () => ({ portalId: 7 }))).toBe(7);
    await expect(portals.portalIdOf('bad', async () => ({ portalId: 0 }))).rejects.toThrow(/which portal/);
  });
});

describe("crmObjectChanged's filters", () => {
  const e = (partial: Partial<CrmEvent>): CrmEvent => ({
    eventId: '1', portalId: 1, objectType: 'contacts', objectId: '5', kind: 'creation', subscriptionType: 'contact.creation', occurredAt: 0, ...partial,
  });
  const change = e({ kind: 'propertyChange', propertyName: 'email', propertyValue: 'a@b.c' });

  test('object types by name or type id; ids; kinds', () => {
    expect(changeFilter({ objectTypes: ['0-1'] })(e({}))).toBe(true);
    expect(changeFilter({ objectTypes: ['CONTACTS'] })(e({}))).toBe(true);
    expect(changeFilter({ objectTypes: ['deals'] })(e({}))).toBe(false);
    expect(changeFilter({ objectTypes: ['2-123'] })(e({ objectType: '2-123' }))).toBe(true);
    expect(changeFilter({ objectIds: ['5'] })(e({}))).toBe(true);
    expect(changeFilter({ objectIds: ['6'] })(e({}))).toBe(false);
    expect(changeFilter({ kinds: ['deletion'] })(e({}))).toBe(false);
    expect(changeFilter({})(e({ kind: 'merge' }))).toBe(true);
  });

  test('propertyNames: property changes of those properties only, unless kinds asks for more', () => {
    expect(changeFilter({ propertyNames: ['email'] })(change)).toBe(true);
    expect(changeFilter({ propertyNames: ['phone'] })(change)).toBe(false);
    expect(changeFilter({ propertyNames: ['email'] })(e({}))).toBe(false);
    expect(changeFilter({ propertyNames: ['phone'], kinds: ['creation', 'propertyChange'] })(e({}))).toBe(true);
    expect(changeFilter({ propertyNames: ['phone'], kinds: ['creation', 'propertyChange'] })(change)).toBe(false);
  });
});
