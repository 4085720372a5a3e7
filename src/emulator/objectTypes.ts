/**
 * HubSpot's standard CRM object types as the emulator knows them: the name used in paths, the type id
 * (`0-1` …), the singular used in association type names (`contact_to_company`), and the names of the
 * create/modify date properties, which differ between objects.
 */
export interface ObjectTypeInfo {
  /** Path name, e.g. `contacts`. */
  name: string;
  /** Object type id, e.g. `0-1`. */
  id: string;
  /** Singular used in association type names and property group names, e.g. `contact`. */
  singular: string;
  /** Property holding the creation time (`createdate` or `hs_createdate`). */
  createdProperty: string;
  /** Property holding the last modification time (`lastmodifieddate` or `hs_lastmodifieddate`). */
  modifiedProperty: string;
  /** Whether `POST …/merge` exists for the type (crm-*-v3 specs). */
  mergeable: boolean;
  /** Properties that identify a record uniquely and may be used as `idProperty`. */
  uniqueProperties: string[];
  /** Scope suffix: `crm.objects.<scope>.read`. */
  scope: string;
  /** Set on a portal's custom object types (`2-<n>`, Schemas API); standard types leave it out. */
  custom?: true;
}

const t = (
  name: string,
  id: string,
  singular: string,
  opts: Partial<Pick<ObjectTypeInfo, 'createdProperty' | 'modifiedProperty' | 'mergeable' | 'uniqueProperties' | 'scope'>> = {},
): ObjectTypeInfo => ({
  name,
  id,
  singular,
  createdProperty: opts.createdProperty ?? 'createdate',
  modifiedProperty: opts.modifiedProperty ?? 'hs_lastmodifieddate',
  mergeable: opts.mergeable ?? false,
  uniqueProperties: opts.uniqueProperties ?? [],
  scope: opts.scope ?? name,
});

const engagement = { createdProperty: 'hs_createdate' } as const;

export const OBJECT_TYPES: readonly ObjectTypeInfo[] = [
  t('contacts', '0-1', 'contact', { modifiedProperty: 'lastmodifieddate', mergeable: true, uniqueProperties: ['email'] }),
  t('companies', '0-2', 'company', { mergeable: true }),
  t('deals', '0-3', 'deal', { mergeable: true }),
  t('tickets', '0-5', 'ticket', { mergeable: true }),
  t('products', '0-7', 'product', { uniqueProperties: ['hs_sku'] }),
  t('line_items', '0-8', 'line_item', { scope: 'line_items' }),
  t('quotes', '0-14', 'quote', { ...engagement }),
  t('notes', '0-46', 'note', { ...engagement, scope: 'contacts' }),
  t('meetings', '0-47', 'meeting', { ...engagement, scope: 'contacts' }),
  t('calls', '0-48', 'call', { ...engagement, scope: 'contacts' }),
  t('emails', '0-49', 'email', { ...engagement, scope: 'contacts' }),
  t('tasks', '0-27', 'task', { ...engagement, scope: 'contacts' }),
];

const byKey = new Map<string, ObjectTypeInfo>();
for (const info of OBJECT_TYPES) {
  byKey.set(info.name, info);
  byKey.set(info.id, info);
  byKey.set(info.singular, info);
}
// Singular aliases HubSpot accepts in paths, and the fully qualified names.
for (const info of OBJECT_TYPES) byKey.set(`${info.singular}s`, info);

/**
 * Resolves a path segment (`contacts`, `contact`, `0-1`) to a standard type, or undefined. Custom object types
 * belong to one portal: resolve path segments with `Portal.objectType`, which falls back to the portal's schemas.
 */
export function objectTypeOf(segment: string): ObjectTypeInfo | undefined {
  return byKey.get(segment.toLowerCase());
}
