import { composeServices } from '@apollo/composition';
import { getNamedType, isEnumType, isObjectType, isScalarType, isUnionType, Kind, parse, type DocumentNode, type GraphQLObjectType, type ObjectTypeDefinitionNode } from 'graphql';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { CRM_TYPES } from '../../../src/crm/registry';
import { estimateCost } from '../../../src/graphql/cost';
import { buildSubgraphSchema, ENTITY_TYPES, FEDERATION_SPEC_URL, subgraphSdl } from '../../../src/graphql/federation';
import { buildSchema } from '../../../src/graphql/schema';
import { printSubgraph } from '../../../src/printSubgraph';

const ROOT = join(__dirname, '../../..');

/** A second subgraph as other teams write them: extends Contact by its key, and has its own Relay PageInfo. */
const LOYALTY_SDL = `
  extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@shareable"])
  type Contact @key(fields: "id") { id: ID! loyaltyPoints: Int tier: String }
  type PageInfo @shareable { hasNextPage: Boolean! endCursor: String }
  type Query { topMembers: [Contact!]! }
`;

const compose = (hubspotSdl: string, others: Array<{ name: string; sdl: string }> = []) =>
  composeServices([{ name: 'hubspot', typeDefs: parse(hubspotSdl), url: 'http://127.0.0.1:4000/graphql' }, ...others.map((o) => ({ name: o.name, typeDefs: parse(o.sdl), url: 'http://127.0.0.1:4001/graphql' }))]);

const typeDefinition = (doc: DocumentNode, name: string) =>
  doc.definitions.find((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === name);

const keysOf = (node: ObjectTypeDefinitionNode | undefined) =>
  (node?.directives ?? []).filter((d) => d.name.value === 'key').map((d) => d.arguments?.find((a) => a.name.value === 'fields')?.value).map((v) => (v?.kind === Kind.STRING ? v.value : undefined));

describe('the federation subgraph schema', () => {
  const schema = buildSubgraphSchema();
  const sdl = subgraphSdl(schema);
  const doc = parse(sdl);

  test('links Federation 2 and keys every CRM type, and GenericCrmObject, by id', () => {
    expect(sdl).toContain(`@link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@shareable"])`);
    expect(ENTITY_TYPES).toEqual([...CRM_TYPES.map((t) => t.graphqlType), 'GenericCrmObject']);
    for (const name of ENTITY_TYPES) expect([name, keysOf(typeDefinition(doc, name))]).toEqual([name, ['id']]);
    // Only entities are keyed; connections and value types are not.
    expect(keysOf(typeDefinition(doc, 'ContactConnection'))).toEqual([]);
    expect(typeDefinition(doc, 'PageInfo')?.directives?.map((d) => d.name.value)).toEqual(['shareable']);
  });

  test('every entity resolves references, and _service and _entities are served', () => {
    for (const name of ENTITY_TYPES) {
      const type = schema.getType(name) as GraphQLObjectType;
      expect([name, typeof (type.extensions as { apollo?: { subgraph?: { resolveReference?: unknown } } }).apollo?.subgraph?.resolveReference]).toEqual([name, 'function']);
    }
    const fields = schema.getQueryType()!.getFields();
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['_service', '_entities']));
    const entity = schema.getType('_Entity');
    expect(isUnionType(entity) ? entity.getTypes().map((t) => t.name).sort() : entity).toEqual([...ENTITY_TYPES].sort());
  });

  test('composes with no errors, alone and with a subgraph extending Contact that has its own shareable PageInfo', () => {
    expect(compose(sdl).errors).toBeUndefined();
    const both = compose(sdl, [{ name: 'loyalty', sdl: LOYALTY_SDL }]);
    expect(both.errors).toBeUndefined();
    expect(both.supergraphSdl).toMatch(/type Contact implements Node & CrmObject[\s\S]*?loyaltyPoints: Int/);
    // Why PageInfo is @shareable: without it, any other subgraph with a Relay PageInfo breaks composition.
    const unshared = sdl.replace(/type PageInfo\s*@shareable/, 'type PageInfo');
    expect(unshared).not.toBe(sdl);
    expect(compose(unshared, [{ name: 'loyalty', sdl: LOYALTY_SDL }]).errors?.map((e) => e.message)).toEqual([
      expect.stringContaining('Non-shareable field "PageInfo.hasNextPage" is resolved from multiple subgraphs'),
      expect.stringContaining('Non-shareable field "PageInfo.endCursor" is resolved from multiple subgraphs'),
    ]);
  });

  test('keeps @hubspotProperties on field definitions, where selection.ts reads it, and in the SDL', () => {
    const stage = (schema.getType('Deal') as GraphQLObjectType).getFields().stage!;
    const directive = stage.astNode?.directives?.find((d) => d.name.value === 'hubspotProperties');
    const names = directive?.arguments?.[0]?.value;
    expect(names?.kind === Kind.LIST ? names.values.map((v) => (v.kind === Kind.STRING ? v.value : '?')) : null).toEqual(['pipeline', 'dealstage']);
    expect(sdl).toContain('stage: PipelineStage @hubspotProperties(names: ["pipeline", "dealstage"])');
  });

  test('has the plain schema\'s fields, resolvers and scalars', () => {
    const plain = buildSchema();
    for (const type of Object.values(plain.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const federated = schema.getType(type.name);
      expect([type.name, federated?.constructor.name]).toEqual([type.name, type.constructor.name]);
      if (isScalarType(type) && isScalarType(federated)) expect([type.name, federated.serialize]).toEqual([type.name, type.serialize]);
      if (isEnumType(type) && isEnumType(federated)) expect([type.name, federated.getValues().map((v) => v.value)]).toEqual([type.name, type.getValues().map((v) => v.value)]);
      if (!isObjectType(type) || !isObjectType(federated)) continue;
      const fields = federated.getFields();
      for (const field of Object.values(type.getFields())) {
        // Same field, same type, and a resolver exactly where the plain schema has one (property fields included).
        expect([type.name, field.name, String(fields[field.name]?.type), typeof fields[field.name]?.resolve]).toEqual([type.name, field.name, String(field.type), typeof field.resolve]);
      }
    }
    expect(getNamedType((schema.getType('Contact') as GraphQLObjectType).getFields().createdAt!.type)).toBe(schema.getType('DateTime'));
  });

  test('the plain schema stays unfederated, and FEDERATION is off unless set', () => {
    expect(Object.keys(buildSchema().getQueryType()!.getFields())).not.toContain('_service');
    expect(loadConfig({}).federation).toBe(false);
    expect(loadConfig({ FEDERATION: 'true' }).federation).toBe(true);
    expect(loadConfig({}, ['--federation']).federation).toBe(true);
    expect(() => loadConfig({ FEDERATION: 'maybe' })).toThrow(/FEDERATION/);
  });
});

describe('print-subgraph', () => {
  test('prints the _service SDL, or writes it to a file', () => {
    const printed: string[] = [];
    printSubgraph([], (t) => printed.push(t));
    expect(printed.join('')).toBe(`${subgraphSdl().trimEnd()}\n`);
    const dir = mkdtempSync(join(tmpdir(), 'subgraph-'));
    try {
      printSubgraph([join(dir, 'hubspot.graphql')]);
      expect(readFileSync(join(dir, 'hubspot.graphql'), 'utf8')).toBe(printed.join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => printSubgraph(['a', 'b'])).toThrow(/usage/);
  });

  test('the npm script prints exactly that SDL', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/printSubgraph.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toBe(`${subgraphSdl().trimEnd()}\n`);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['print-subgraph']).toBe('tsx src/printSubgraph.ts');
  });
});

describe('the cost of a router’s _entities call', () => {
  test('500 Contact references are priced as 5 batch reads (the loaders’ chunking), before any call', () => {
    const representations = Array.from({ length: 500 }, (_, i) => ({ __typename: 'Contact', id: `c${i}` }));
    const doc = parse('query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { email } } }');
    expect(estimateCost(buildSubgraphSchema(), doc, { variables: { r: representations } }).calls).toBe(5);
  });
});
