import type { Resolvers } from '../src/generated/graphql';
import { DateScalar, DateTime } from '../src/graphql/scalars';
import { accountResolvers } from './account';
import { associationLabelResolvers } from './associationLabels';
import { associationMutationResolvers } from './associationMutations';
import { batchReadResolvers } from './batchRead';
import { crmResolvers } from './crm';
import { fileResolvers } from './files';
import { crmMutationResolvers } from './mutations';
import { ownerResolvers } from './owners';
import { pipelineMutationResolvers } from './pipelineMutations';
import { pipelineResolvers } from './pipelines';
import { searchResolvers } from './search';
import { subscriptionResolvers } from './subscriptions';
import { propertyMutationResolvers } from './propertyMutations';
import { propertyResolvers } from './properties';
import { rateLimitResolvers } from './rateLimit';
import { webhookResolvers } from './webhooks';

/** Every domain's resolvers, merged; one module per schema file (crm covers crm.graphql and crm-types.graphql). */
export const resolvers: Resolvers[] = [{ DateTime, Date: DateScalar }, accountResolvers, crmResolvers as Resolvers, batchReadResolvers as Resolvers, crmMutationResolvers as Resolvers, pipelineResolvers, pipelineMutationResolvers, ownerResolvers, propertyResolvers, propertyMutationResolvers, associationLabelResolvers, associationMutationResolvers as Resolvers, searchResolvers, rateLimitResolvers, webhookResolvers, fileResolvers, subscriptionResolvers as Resolvers];
