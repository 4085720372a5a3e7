import type { AssociationCategory, Resolvers } from '../src/generated/graphql';

/** The categories this schema knows (crm-associations-schema-v4); HubSpot added WORK later, so others may come. */
const CATEGORIES: ReadonlySet<string> = new Set<AssociationCategory>(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED', 'WORK']);

/** Association label definitions (associations schema v4), read through the per-portal metadata cache. */
export const associationLabelResolvers: Resolvers = {
  Query: {
    associationLabels: (_root, { fromObjectType, toObjectType }, { metadata }) => metadata.associationLabels(fromObjectType, toObjectType),
  },
  AssociationLabel: {
    label: (l) => l.label ?? null,
    // An unknown category is null rather than a failed query.
    category: (l) => (CATEGORIES.has(l.category) ? l.category : null),
  },
};
