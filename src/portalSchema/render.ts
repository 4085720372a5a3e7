import { associationFieldLines, propertyFieldLines, propertyInputLines, renderMutations, renderType } from '../crm/defaultSchema';
import { CRM_TYPES, standardTypeOf, type CrmTypeInfo } from '../crm/registry';
import type { PortalPlan } from './plan';

/** The portal's SDL, in the files `schema pull` writes (schema/portal/) and the gateway serves. */
export interface PortalSdl {
  /** Enums, fields added to standard types, custom object types with their connections and root fields. */
  'portal-types.graphql'?: string;
  /** Input fields added to standard types' `…PropertiesInput`, custom object types' inputs, payloads and mutations. */
  'portal-mutations.graphql'?: string;
}

const quote = (s: string) => JSON.stringify(s);

const header = (what: string) => [
  `# Generated from the portal's Properties and Schemas APIs by src/portalSchema (${what}); \`npm run schema:pull\``,
  '# writes it. Field and type names are derived deterministically; a mapped name says so in its description.',
  '',
];

/** Renders a plan with the renderer of the default SDL (src/crm/defaultSchema.ts), so both read alike. */
export function renderPortalSdl(plan: PortalPlan): PortalSdl {
  const custom = new Map<string, CrmTypeInfo>(plan.customTypes.map((c) => [c.type.objectType, c.type]));
  const typeOf = (objectType: string) => custom.get(objectType) ?? standardTypeOf(objectType);
  const types: string[] = [];
  for (const e of plan.enums) {
    types.push(
      [`${quote(`Options of the enumeration property \`${e.property}\` (${e.objectType}).`)}`, `enum ${e.name} {`, ...e.values.flatMap((v) => [`  ${quote(v.hidden ? `${v.label} (hidden in HubSpot's UI)` : v.label)}`, `  ${v.value}`]), '}'].join('\n'),
    );
  }
  for (const t of CRM_TYPES) {
    const lines = [...propertyFieldLines(plan.added.get(t.graphqlType) ?? []), ...associationFieldLines(t, plan.addedAssociations.get(t.objectType) ?? [], typeOf)];
    if (lines.length) types.push([`extend type ${t.graphqlType} {`, ...lines, '}'].join('\n'));
  }
  for (const c of plan.customTypes) types.push(renderType(c.type, c.fields, typeOf));

  const mutations: string[] = [];
  for (const t of CRM_TYPES) {
    const inputs = propertyInputLines(plan.added.get(t.graphqlType) ?? []);
    if (inputs.length) mutations.push([`extend input ${t.graphqlType}PropertiesInput {`, ...inputs, '}'].join('\n'));
  }
  for (const c of plan.customTypes) mutations.push(renderMutations(c.type, c.fields));
  // A portal with nothing of its own has no files (an SDL of comments only is not a valid document).
  const file = (what: string, parts: string[]) => (parts.length ? [...header(what), parts.map((p) => `${p}\n`).join('\n')].join('\n') : undefined);
  const out: PortalSdl = {};
  const typesSdl = file('types', types);
  const mutationsSdl = file('mutations', mutations);
  if (typesSdl) out['portal-types.graphql'] = typesSdl;
  if (mutationsSdl) out['portal-mutations.graphql'] = mutationsSdl;
  return out;
}
