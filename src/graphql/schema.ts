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

/** The SDL files of `dir`, read once per process (every portal schema reload builds on them again). */
const read = new Map<string, string[]>();
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  let files = read.get(dir);
  if (!files) {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .sort()
      .map((f) => readFileSync(join(dir, f), 'utf8'));
    read.set(dir, files);
  }
  return files;
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
