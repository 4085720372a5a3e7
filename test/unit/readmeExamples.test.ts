import { parse, validate } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from '../../src/graphql/schema';

// Every GraphQL example in the README must be valid against the schema: docs that drift fail here.
const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README GraphQL examples', () => {
  const schema = buildSchema();
  test('there are examples', () => expect(examples.length).toBeGreaterThan(5));
  test.each(examples.map((e, i) => [i, e]))('example %i is valid', (_i, example) => {
    expect(validate(schema, parse(example as string)).map((e) => e.message)).toEqual([]);
  });
});
