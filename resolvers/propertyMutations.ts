import type { GatewayContext } from '../src/context';
import { canonicalType } from '../src/crm/connections';
import { metadataKeys } from '../src/crm/metadata';
import { definitionsChanged } from '../src/events/schemaChanges';
import { metadataWrite, type RefusalFields } from '../src/crm/metadataWrite';
import { checkGroupCreate, checkGroupUpdate, checkPropertyCreate, checkPropertyUpdate, updateNeedsDefinition } from '../src/crm/propertyDefinitionInput';
import type { Resolvers } from '../src/generated/graphql';
import type { Property, PropertyGroup } from '../src/hubspot/types';

/**
 * Forgets a type's cached property definitions (live and archived: a create, archive or update moves entries
 * between or within them) and groups (a group's `properties` and a definition's `group` read both).
 */
const invalidateProperties = (ctx: GatewayContext, objectType: string) =>
  ctx.metadata.invalidate(metadataKeys.properties(objectType), metadataKeys.properties(objectType, true), metadataKeys.propertyGroups(objectType));

/** Runs one property or group write, then invalidates, so the payload and every later read see HubSpot's new state. */
function propertyWrite<T>(ctx: GatewayContext, objectType: string, fields: RefusalFields, run: () => Promise<T>) {
  return metadataWrite(run, fields, () => invalidateProperties(ctx, objectType));
}

/**
 * A property definition written: the portal's own schema (src/portalSchema) re-reads this type's properties, here
 * and on the other instances, before the mutation answers — HubSpot sends no webhook for definition changes.
 */
async function definitionWrite<T>(ctx: GatewayContext, objectType: string, fields: RefusalFields, run: () => Promise<T>) {
  const r = await propertyWrite(ctx, objectType, fields, run);
  if (r.userErrors.length === 0) await definitionsChanged([objectType], ctx.portalKey);
  return r;
}

/**
 * A live definition by name for checking an update against its type. The cached list may predate a property
 * created outside the gateway, so a miss reads the list afresh once.
 */
async function currentDefinition(ctx: GatewayContext, objectType: string, name: string): Promise<Property | null> {
  const cached = await ctx.metadata.propertyDefinition(objectType, name);
  if (cached) return cached;
  await invalidateProperties(ctx, objectType);
  return ctx.metadata.propertyDefinition(objectType, name);
}

const asDefinition = (objectType: string, p: Property | null) => p && { ...p, objectType };
const asGroup = (objectType: string, g: PropertyGroup | null) => g && { ...g, objectType };

/** Property definition and group mutations (crm properties v3): inputs checked before any call, caches invalidated after. */
export const propertyMutationResolvers: Resolvers = {
  Mutation: {
    propertyCreate: async (_root, { objectType, input }, ctx) => {
      const type = canonicalType(objectType);
      const body = checkPropertyCreate(input);
      if (!body.ok) return { propertyDefinition: null, userErrors: body.userErrors };
      const fields = { notFound: ['objectType'], conflict: ['input', 'name'], invalid: ['input'] };
      const r = await definitionWrite(ctx, type, fields, () => ctx.hubspot.properties.create(type, body.value));
      return { propertyDefinition: asDefinition(type, r.value), userErrors: r.userErrors };
    },

    propertyUpdate: async (_root, { objectType, name, input }, ctx) => {
      const type = canonicalType(objectType);
      let body = checkPropertyUpdate(input);
      // The fieldType and options must suit the property's type, which only its current definition tells.
      if (body.ok && updateNeedsDefinition(input)) {
        const current = await currentDefinition(ctx, type, name);
        if (!current) return { propertyDefinition: null, userErrors: [{ field: ['name'], message: `Object type ${type} has no property named '${name}'.`, code: 'NOT_FOUND' as const }] };
        body = checkPropertyUpdate(input, current);
      }
      if (!body.ok) return { propertyDefinition: null, userErrors: body.userErrors };
      const r = await definitionWrite(ctx, type, { notFound: ['name'], invalid: ['input'] }, () => ctx.hubspot.properties.update(type, name, body.value));
      return { propertyDefinition: asDefinition(type, r.value), userErrors: r.userErrors };
    },

    propertyArchive: async (_root, { objectType, name }, ctx) => {
      const type = canonicalType(objectType);
      const r = await definitionWrite(ctx, type, { notFound: ['name'], invalid: ['name'] }, () => ctx.hubspot.properties.archive(type, name));
      return { archivedName: r.userErrors.length ? null : name, userErrors: r.userErrors };
    },

    propertyGroupCreate: async (_root, { objectType, input }, ctx) => {
      const type = canonicalType(objectType);
      const body = checkGroupCreate(input);
      if (!body.ok) return { propertyGroup: null, userErrors: body.userErrors };
      const fields = { notFound: ['objectType'], conflict: ['input', 'name'], invalid: ['input'] };
      const r = await propertyWrite(ctx, type, fields, () => ctx.hubspot.properties.createGroup(type, body.value));
      return { propertyGroup: asGroup(type, r.value), userErrors: r.userErrors };
    },

    propertyGroupUpdate: async (_root, { objectType, name, input }, ctx) => {
      const type = canonicalType(objectType);
      const body = checkGroupUpdate(input);
      if (!body.ok) return { propertyGroup: null, userErrors: body.userErrors };
      const r = await propertyWrite(ctx, type, { notFound: ['name'], invalid: ['input'] }, () => ctx.hubspot.properties.updateGroup(type, name, body.value));
      return { propertyGroup: asGroup(type, r.value), userErrors: r.userErrors };
    },

    propertyGroupArchive: async (_root, { objectType, name }, ctx) => {
      const type = canonicalType(objectType);
      const r = await propertyWrite(ctx, type, { notFound: ['name'], invalid: ['name'] }, () => ctx.hubspot.properties.archiveGroup(type, name));
      return { archivedName: r.userErrors.length ? null : name, userErrors: r.userErrors };
    },
  },
};
