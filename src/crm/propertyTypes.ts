/**
 * HubSpot's property `type` words and the `fieldType`s each may be shown with — shared by the gateway (which
 * checks a definition before sending it) and the emulator (which refuses what HubSpot refuses), so the two
 * never disagree. Internal module; no imports, so either side can depend on it.
 */

/** How HubSpot stores a property's value (crm-properties-v3 `PropertyCreate.type`). */
export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool' | 'phone_number';

/** Valid type → fieldType pairs for property creation (HubSpot's properties guide). */
export const VALID_FIELD_TYPES: Record<PropertyType, string[]> = {
  bool: ['booleancheckbox'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  date: ['date'],
  datetime: ['date'],
  string: ['text', 'textarea', 'file', 'html', 'phonenumber'],
  number: ['number', 'calculation_equation'],
  phone_number: ['phonenumber'],
};
