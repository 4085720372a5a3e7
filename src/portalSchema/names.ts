/**
 * Deterministic GraphQL names for what a portal defines: property names become field names, custom object labels
 * type and root field names, enumeration options enum values. Same input, same names: no counters that depend on
 * the order HubSpot lists things in (callers sort first), no randomness.
 */

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
/** Enum values GraphQL forbids, and names starting with `__` (reserved for introspection). */
const RESERVED_VALUES = new Set(['true', 'false', 'null']);

export const isGraphqlName = (s: string) => NAME.test(s) && !s.startsWith('__');
export const isEnumValueName = (s: string) => isGraphqlName(s) && !RESERVED_VALUES.has(s);

/**
 * A valid GraphQL name for a HubSpot property: characters GraphQL does not allow become `_`, a leading digit gets
 * a `_` before it, a leading `__` a `p` (so `2nd-phone` → `_2nd_phone`).
 */
export function fieldNameOf(propertyName: string): string {
  let n = propertyName.replace(/[^_0-9A-Za-z]/g, '_');
  if (n === '' || /^[0-9]/.test(n)) n = `_${n}`;
  if (n.startsWith('__')) n = `p${n}`;
  return n;
}

/** `name`, or `name_2`, `name_3` … : the first that `taken` does not hold. Adds the result to `taken`. */
export function claim(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}_${n}`;
  taken.add(candidate);
  return candidate;
}

/** `My car-model` → `MyCarModel`; a leading digit gets a `_`. */
export function pascal(words: string): string {
  const n = words
    .split(/[^0-9A-Za-z]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return n === '' ? '_' : /^[0-9]/.test(n) ? `_${n}` : n;
}

export const lowerFirst = (s: string) => (s.startsWith('_') ? s : s[0]!.toLowerCase() + s.slice(1));
export const upperFirst = (s: string) => s[0]!.toUpperCase() + s.slice(1);
