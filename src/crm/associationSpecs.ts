import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context';
import type { AssociationSpec } from '../hubspot/types';

export interface AssociationInputArg {
  toObjectType: string;
  toId: string;
  types?: Array<{ category: AssociationSpec['associationCategory']; typeId: number }> | null;
  label?: string | null;
}

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * HubSpot association specs for an input: the given types, or the type whose label matches, or the pair's
 * default (unlabeled, HubSpot-defined) type. Labels and defaults come from the pair's label definitions in
 * the per-portal metadata cache. A custom object's pairs have no HubSpot-defined type: their unlabeled
 * USER_DEFINED type is the default.
 */
export async function associationSpecsOf(ctx: GatewayContext, fromObjectType: string, input: AssociationInputArg, path: string): Promise<AssociationSpec[]> {
  if (input.types?.length && input.label) throw badInput(`${path}: give either types or label, not both`);
  if (input.types?.length) return input.types.map((t) => ({ associationCategory: t.category, associationTypeId: t.typeId }));
  const defs = await ctx.metadata.associationLabels(fromObjectType, input.toObjectType);
  const wanted = input.label ?? null;
  const unlabeled = (d: (typeof defs)[number]) => d.label === null || d.label === undefined || d.label === '';
  // The default of a standard pair is HubSpot-defined; a custom object's pairs have only USER_DEFINED types, whose unlabeled one is the default.
  const def = wanted !== null ? defs.find((d) => d.label === wanted) : (defs.find((d) => unlabeled(d) && d.category === 'HUBSPOT_DEFINED') ?? defs.find(unlabeled));
  if (!def) {
    throw badInput(wanted === null
      ? `${path}: ${fromObjectType} and ${input.toObjectType} have no default association; give types`
      : `${path}: no association label '${wanted}' between ${fromObjectType} and ${input.toObjectType}`);
  }
  return [{ associationCategory: def.category, associationTypeId: def.typeId }];
}
