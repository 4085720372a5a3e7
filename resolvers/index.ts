import type { Resolvers } from '../src/generated/graphql';
import { DateScalar, DateTime } from '../src/graphql/scalars';
import { accountResolvers } from './account';
import { crmResolvers } from './crm';
import { ownerResolvers } from './owners';
import { pipelineResolvers } from './pipelines';

/** Every domain's resolvers, merged; one module per schema file (crm covers crm.graphql and crm-types.graphql). */
export const resolvers: Resolvers[] = [{ DateTime, Date: DateScalar }, accountResolvers, crmResolvers as Resolvers, pipelineResolvers, ownerResolvers];
