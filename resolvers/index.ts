import type { Resolvers } from '../src/generated/graphql';
import { DateTime } from '../src/graphql/scalars';
import { accountResolvers } from './account';

/** Every domain's resolvers, merged; one module per schema file. */
export const resolvers: Resolvers[] = [{ DateTime }, accountResolvers];
