import { claim, fieldNameOf, isEnumValueName, isGraphqlName, pascal } from '../../../src/portalSchema/names';

describe('portal schema names', () => {
  it.each([
    ['2nd-phone', '_2nd_phone'],
    ['loyalty_points', 'loyalty_points'],
    ['a.b c', 'a_b_c'],
    ['__secret', 'p__secret'],
    ['', '_'],
    ['émoji✓', '_moji_'],
  ])('property %j is the field %j, a valid GraphQL name', (property, field) => {
    expect(fieldNameOf(property)).toBe(field);
    expect(isGraphqlName(field)).toBe(true);
  });

  it('claims a free name, suffixing _2, _3 … on collisions', () => {
    const taken = new Set(['companies', 'companies_2']);
    expect(claim('companies', taken)).toBe('companies_3');
    expect(claim('vin', taken)).toBe('vin');
    expect(claim('vin', taken)).toBe('vin_2');
  });

  it('makes type names from labels', () => {
    expect(pascal('My object')).toBe('MyObject');
    expect(pascal('car-model')).toBe('CarModel');
    expect(pascal('3d print')).toBe('_3dPrint');
  });

  it('refuses true, false and null as enum values', () => {
    expect(isEnumValueName('gold')).toBe(true);
    expect(['true', 'false', 'null', 'x-large', '1st'].filter(isEnumValueName)).toEqual([]);
  });
});
