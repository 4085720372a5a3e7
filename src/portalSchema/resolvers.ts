import { byIds } from '../../resolvers/batchRead';
import { associationFieldResolver, crmTypeResolvers } from '../../resolvers/crm';
import { mutationsOf } from '../../resolvers/mutations';
import { searchFieldOf, searchResolverOf } from '../../resolvers/search';
import { standardTypeOf } from '../crm/registry';
import type { PortalPlan } from './plan';

/**
 * The resolvers of a portal's extension, made by the same builders as the standard types' (resolvers/*), so a custom
 * object reads, searches, batches and writes exactly like them: ⌈ids/100⌉ batch reads per level, ⌈sources/1000⌉
 * v4 association reads. Property fields need none (src/crm/propertyFields.ts attaches them from the SDL).
 */
export function portalResolvers(plan: PortalPlan): object[] {
  const maps: object[] = [];
  for (const { type } of plan.customTypes) {
    const own = crmTypeResolvers(type);
    maps.push({ ...own, Query: { ...own.Query, [searchFieldOf(type)]: searchResolverOf(type), [`${type.plural}ByIds`]: byIds(type) }, Mutation: mutationsOf(type) });
  }
  // Added association fields belong to standard types (a custom type's are in its own resolvers).
  for (const [objectType, associations] of plan.addedAssociations) {
    maps.push({ [standardTypeOf(objectType)!.graphqlType]: Object.fromEntries(associations.map((a) => [a.field, associationFieldResolver(a)])) });
  }
  return maps;
}
