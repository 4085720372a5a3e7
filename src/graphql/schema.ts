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

/** What a portal adds to the schema (src/portalSchema): its SDL and the resolvers of the types it defines. */
export interface SchemaExtension {
  typeDefs: string[];
  resolvers: object[];
  /** Custom object types, GraphQL type → object type (federation makes them entities). */
  entities?: ReadonlyMap<string, string>;
}

export function buildSchema(extension?: SchemaExtension): GraphQLSchema {
  const schema = makeExecutableSchema({
    typeDefs: [...loadTypeDefs(), ...(extension?.typeDefs ?? [])],
    resolvers: [...resolvers, ...(extension?.resolvers ?? [])] as never,
    inheritResolversFromInterfaces: true,
  });
  attachPropertyResolvers(schema);
  return schema;
}
