import { parse, validate } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from '../../src/graphql/schema';

// Every GraphQL example in the README must be valid against the schema: docs that drift fail here.
const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);

// They run against `npm start`: the base schema plus the demo portal's own (schema/portal/, its `cars` custom object).
const portalDir = join(__dirname, '../../schema/portal');
const portalSdl = readdirSync(portalDir).filter((f) => f.endsWith('.graphql')).sort().map((f) => readFileSync(join(portalDir, f), 'utf8'));

describe('README GraphQL examples', () => {
  const schema = buildSchema({ typeDefs: portalSdl, resolvers: [] });
  test('there are examples', () => expect(examples.length).toBeGreaterThan(5));
  test.each(examples.map((e, i) => [i, e]))('example %i is valid', (_i, example) => {
    expect(validate(schema, parse(example as string)).map((e) => e.message)).toEqual([]);
  });
});
