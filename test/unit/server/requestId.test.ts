import { requestIdOf } from '../../../src/server/requestId';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  test.each(['abc-123', '4bf92f3577b34da6a3ce929d0e0e4736', 'req_1.2:3', 'x'.repeat(128)])('keeps a well-formed incoming id: %s', (id) => {
    expect(requestIdOf(id)).toBe(id);
  });

  test.each([
    ['too long', 'x'.repeat(129)],
    ['empty', ''],
    ['spaces', 'a b'],
    ['a forged log line', 'id\n{"level":50}'],
    ['markup', '<script>'],
    ['non-ASCII', 'idé'],
  ])('replaces an incoming id that is %s with a new UUID', (_why, id) => {
    expect(requestIdOf(id)).toMatch(UUID);
  });

  test('makes a new UUID when there is none, a different one each time', () => {
    const a = requestIdOf(undefined);
    expect(a).toMatch(UUID);
    expect(requestIdOf(undefined)).not.toBe(a);
  });
});
