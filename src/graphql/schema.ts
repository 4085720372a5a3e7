import { makeExecutableSchema } from '@graphql-tools/schema';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../../resolvers';
import { attachPropertyResolvers } from '../crm/propertyFields';

/**
 * schema/ holds the SDL, one file per domain: the API's single source of truth. It sits two levels up from
 * this file when run from source (src/graphql) and three when compiled (dist/src/graphql).
 */
export const SCHEMA_DIR = [resolve(__dirname, '../../schema'), resolve(__dirname, '../../../schema')].find((d) => existsSync(d)) ?? resolve(__dirname, '../../schema');

export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

export function buildSchema(): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never, inheritResolversFromInterfaces: true });
  attachPropertyResolvers(schema);
  return schema;
}
