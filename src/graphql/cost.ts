import {
  getDirectiveValues, getNamedType, getNullableType, getOperationAST, getVariableValues, GraphQLIncludeDirective, GraphQLSkipDirective,
  isAbstractType, isCompositeType, isListType, isObjectType, Kind, typeFromAST, valueFromAST,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLInputType, type GraphQLNamedType,
  type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode, type SelectionNode, type SelectionSetNode, type ValueNode,
} from 'graphql';
import { searchFieldOf } from '../../resolvers/search';
import { canonicalType, graphqlTypeOf, MAX_ASSOCIATIONS_PAGE } from '../crm/connections';
import { associationsOf, CRM_TYPES, crmTypeByGraphqlType, type CrmTypeInfo } from '../crm/registry';
import { SEARCH_LIMITS } from '../crm/searchInput';
import { ASSOCIATION_BATCH_READ_LIMIT } from '../hubspot/associations';
import { HISTORY_BATCH_LIMIT, OBJECT_BATCH_LIMIT } from '../hubspot/objects';
import { parseGlobalId } from './ids';

/**
 * The query cost model: how many HubSpot calls an operation will make at most, worked out from the document, the
 * schema and the variables before anything runs. Internal; its numbers are public as `extensions.cost.estimated`
 * and `rateLimit { cost }`, and the README's "Query cost" describes the model.
 *
 * It mirrors how the resolvers and loaders call HubSpot:
 * - root lists (`contacts`, `crmObjects`) and searches (`searchDeals`, `searchCrmObjects`) are one call each
 *   (searches count against the search limit too); their records come with the answer, so reading their fields
 *   costs nothing;
 * - records reached by id (`contact(id)`, `node`, `…ByIds`, association nodes, `LineItem.product`) are batch reads:
 *   per level and object type ⌈ids / 100⌉ (50 when property history is selected), every branch of the query
 *   sharing the level's batches as the loaders share them; a level is the number of association hops from the
 *   root records;
 * - association fields are, per level and association pair, ⌈parents / 1000⌉ v4 batch reads, where parents is
 *   the most records that level can hold (the `first` arguments multiplied down the tree, schema defaults when
 *   absent); their nodes are then parents × first records of the next level;
 * - metadata (owners for `owner`, a type's pipelines for `pipeline`/`stage`, property definitions and groups,
 *   association labels) is one call per list, counted although it is usually served from the per-portal cache;
 * - `account` and `apiUsage` are one call each; mutations one call per write, batches ⌈inputs / 100⌉, plus the
 *   reads their payloads select. Mutation fields run one after another, so their reads are batched per field.
 *
 * It is an upper bound: distinct ids are assumed never to repeat and every page to be full. Follow-up pages of
 * records with more than 500 associations and retries are not counted. A `first` or list whose value is not
 * known (an estimate made without the request's variables) counts as its maximum.
 */
export interface CostEstimate {
  /** HubSpot calls in all. */
  calls: number;
  /** The calls by what they are, e.g. `contacts: list`, `companies: batch read (level 1)`, `owners`. */
  parts: Record<string, number>;
}

/** HubSpot's list endpoint serves at most 100 records a page (the list root fields' largest `first`). */
const MAX_LIST_PAGE = 100;
/** Most ids one `…ByIds` field takes. */
const MAX_BY_IDS = 1000;
/** Inputs one HubSpot batch write takes. */
const WRITE_BATCH = 100;

/** An argument whose value depends on a variable that was not given (estimates made without variables). */
const UNKNOWN = Symbol('unknown');
type Args = Record<string, unknown>;

/** The calls of one batching scope (a query, or one mutation field), grouped as the loaders group them. */
class Tally {
  private readonly calls = new Map<string, number>();
  /** `objectType|level` → ids to read and whether property history is wanted. */
  private readonly reads = new Map<string, { ids: number; history: boolean }>();
  /** `from|to|level` → parent records whose associations are read. */
  private readonly associationReads = new Map<string, number>();
  /** Cached metadata lists, each one call. */
  private readonly metadata = new Set<string>();

  call(what: string, n = 1): void {
    if (n > 0) this.calls.set(what, (this.calls.get(what) ?? 0) + n);
  }

  read(objectType: string, level: number, ids: number, history: boolean): void {
    if (ids <= 0) return;
    const key = `${objectType}|${level}`;
    const r = this.reads.get(key) ?? { ids: 0, history: false };
    this.reads.set(key, { ids: r.ids + ids, history: r.history || history });
  }

  associations(from: string, to: string, level: number, parents: number): void {
    if (parents <= 0) return;
    const key = `${from}|${to}|${level}`;
    this.associationReads.set(key, (this.associationReads.get(key) ?? 0) + parents);
  }

  meta(what: string): void {
    this.metadata.add(what);
  }

  addTo(parts: Record<string, number>): void {
    const add = (what: string, n: number) => (parts[what] = (parts[what] ?? 0) + n);
    for (const [what, n] of this.calls) add(what, n);
    for (const [key, r] of this.reads) {
      const [objectType, level] = key.split('|');
      add(`${objectType}: batch read (level ${level})`, Math.ceil(r.ids / (r.history ? HISTORY_BATCH_LIMIT : OBJECT_BATCH_LIMIT)));
    }
    for (const [key, parents] of this.associationReads) {
      const [from, to, level] = key.split('|');
      add(`${from}→${to}: associations (level ${level})`, Math.ceil(parents / ASSOCIATION_BATCH_READ_LIMIT));
    }
    for (const what of this.metadata) add(what, 1);
  }
}

/** What a walk below a field knows from the fields above it. */
interface Hints {
  /** The HubSpot object type the metadata below is about (`PipelineStage.pipeline`, `PropertyGroup.properties`). */
  objectType?: string;
  /** The two types of the associations a mutation payload holds. */
  fromObjectType?: string;
  toObjectType?: string;
  /** How many items a batch mutation's payload lists. */
  listSize?: number;
}

/** Records that are resolved alike: of one type, at one level, selected by the same fields. */
interface RecordSet {
  objectType: string;
  /** How many records at most. */
  count: number;
  /** Association hops from the root records. */
  level: number;
  /** The fields whose selections apply to each record. */
  nodes: readonly FieldNode[];
  /** How the records are had: through the loader (batch reads), with the answer (no read), or from a write (a read only if more properties are selected). */
  source: 'loader' | 'answer' | 'write';
}

/** Fields of a record that need no property (see selection.ts). */
const RECORD_FIELDS = new Set(['id', 'hs_object_id', 'objectType', 'createdAt', 'updatedAt', 'archived', 'archivedAt', '__typename']);

const PIPELINE_TYPES: Record<string, string> = { DEALS: 'deals', TICKETS: 'tickets' };

const clamp = (n: number, max: number) => Math.min(max, Math.max(0, Math.floor(n)));

type Handler = (e: Estimator, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], args: Args, tally: Tally, hints: Hints) => void;

class Estimator {
  private readonly fragments: Record<string, FragmentDefinitionNode>;

  constructor(
    readonly schema: GraphQLSchema,
    document: DocumentNode,
    /** Coerced variables; undefined when they are not known (every argument that uses one counts as its maximum). */
    private readonly variables: Record<string, unknown> | undefined,
  ) {
    this.fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  }

  estimate(operation: OperationDefinitionNode): CostEstimate {
    const root = this.schema.getRootType(operation.operation);
    const parts: Record<string, number> = {};
    if (root) {
      const groups = [...this.collect([operation.selectionSet], root).values()];
      if (operation.operation === 'mutation') {
        // Mutation fields run one after another: each one's reads are batched on their own.
        for (const group of groups) {
          const tally = new Tally();
          this.field(root, group, tally, {});
          tally.addTo(parts);
        }
      } else {
        const tally = new Tally();
        for (const group of groups) this.field(root, group, tally, {});
        tally.addTo(parts);
      }
    }
    return { calls: Object.values(parts).reduce((a, b) => a + b, 0), parts };
  }

  // ------------------------------------------------------------------------------------------- selections

  /** The fields selected on an object type, by response key, as execution collects them (fragments, @skip, @include). */
  collect(sets: ReadonlyArray<SelectionSetNode | undefined>, type: GraphQLObjectType): Map<string, FieldNode[]> {
    const out = new Map<string, FieldNode[]>();
    const seen = new Set<string>();
    const visit = (set: SelectionSetNode | undefined) => {
      for (const sel of set?.selections ?? []) {
        if (!this.included(sel)) continue;
        if (sel.kind === Kind.FIELD) {
          const key = sel.alias?.value ?? sel.name.value;
          out.set(key, [...(out.get(key) ?? []), sel]);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          if (this.applies(sel.typeCondition?.name.value, type)) visit(sel.selectionSet);
        } else if (!seen.has(sel.name.value)) {
          seen.add(sel.name.value);
          const fragment = this.fragments[sel.name.value];
          if (fragment && this.applies(fragment.typeCondition.name.value, type)) visit(fragment.selectionSet);
        }
      }
    };
    for (const set of sets) visit(set);
    return out;
  }

  /** The field nodes at `path` below `nodes` (e.g. a connection's `edges.node`), across aliases. */
  below(nodes: readonly FieldNode[], type: GraphQLObjectType, path: string[]): FieldNode[] {
    let level = [...nodes];
    let current: GraphQLNamedType = type;
    for (const name of path) {
      if (!isObjectType(current)) return [];
      const next = [...this.collect(level.map((n) => n.selectionSet), current).values()].flat().filter((n) => n.name.value === name);
      if (next.length === 0) return [];
      current = getNamedType(current.getFields()[name]!.type);
      level = next;
    }
    return level;
  }

  private included(sel: SelectionNode): boolean {
    if (!sel.directives?.length) return true;
    try {
      if (getDirectiveValues(GraphQLSkipDirective, sel, this.variables ?? {})?.if === true) return false;
      return getDirectiveValues(GraphQLIncludeDirective, sel, this.variables ?? {})?.if !== false;
    } catch {
      return true; // a directive on an unknown variable: count the selection (upper bound)
    }
  }

  private applies(condition: string | undefined, type: GraphQLObjectType): boolean {
    if (!condition || condition === type.name) return true;
    const cond = this.schema.getType(condition);
    return cond !== undefined && isAbstractType(cond) && this.schema.isSubType(cond, type);
  }

  /** Argument values with schema defaults; a value that hangs on a variable not given is UNKNOWN. */
  args(field: GraphQLField<unknown, unknown>, node: FieldNode): Args {
    const out: Args = {};
    for (const def of field.args) {
      const arg = node.arguments?.find((a) => a.name.value === def.name);
      let value: unknown = def.defaultValue;
      if (arg?.value.kind === Kind.VARIABLE) {
        const name = arg.value.name.value;
        if (this.variables === undefined) value = UNKNOWN;
        else if (name in this.variables) value = this.variables[name];
      } else if (arg) {
        value = this.variables === undefined && hasVariable(arg.value) ? UNKNOWN : valueFromAST(arg.value, def.type, this.variables ?? {});
      }
      if (value !== undefined) out[def.name] = value;
    }
    return out;
  }

  /** A page size as the resolver will use it: the default when null, at most `max`; an unknown one is `max`. */
  pageSize(value: unknown, max: number, fallback: number): number {
    if (value === UNKNOWN) return max;
    return typeof value === 'number' ? clamp(value, max) : fallback;
  }

  /** The length of a list argument; an unknown one is `unknown`. */
  lengthOf(value: unknown, unknown: number): number {
    if (value === UNKNOWN) return unknown;
    return Array.isArray(value) ? value.length : value === null || value === undefined ? 0 : 1;
  }

  // ------------------------------------------------------------------------------------------- fields

  /** One field (all nodes of one response key) of a non-record type: its handler, or a walk into its type. */
  field(parent: GraphQLObjectType, nodes: FieldNode[], tally: Tally, hints: Hints): void {
    const name = nodes[0]!.name.value;
    if (name.startsWith('__')) return; // introspection and __typename: no HubSpot call
    const field = parent.getFields()[name];
    if (!field) return;
    const args = this.args(field, nodes[0]!);
    const handler = HANDLERS.get(`${parent.name}.${name}`) ?? SCHEMA_HANDLERS.get(this.schema)?.get(`${parent.name}.${name}`);
    if (handler) return handler(this, field, nodes, args, tally, hints);
    if (parent === this.schema.getMutationType()) {
      // A write this model has no rule for: one call, and whatever its payload reads.
      tally.call(`${name}: write`);
      return this.walk(field, nodes, tally, hints);
    }
    // Fields this model has no rule for, priced so that the estimate stays an upper bound: a root field or a page
    // of something (a `first` argument) as one call, an owner from the cached owner list.
    if (parent === this.schema.getQueryType()) tally.call(`${name}: read`);
    else if (field.args.some((a) => a.name === 'first')) tally.call(`${parent.name}.${name}: page`);
    else if (getNamedType(field.type).name === 'Owner') tally.meta('owners');
    this.walk(field, nodes, tally, hints);
  }

  /** Walks into a field's type. Records met on the way come from a write (mutation payloads). */
  walk(field: GraphQLField<unknown, unknown>, nodes: FieldNode[], tally: Tally, hints: Hints): void {
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) return;
    if (this.isRecordType(type)) {
      const objectType = isObjectType(type) && crmTypeByGraphqlType(type.name) ? crmTypeByGraphqlType(type.name)!.objectType : (hints.objectType ?? '?');
      const count = isListType(getNullableType(field.type)) ? (hints.listSize ?? 1) : 1;
      return this.records({ objectType, count, level: 0, nodes, source: 'write' }, tally);
    }
    for (const t of isObjectType(type) ? [type] : this.schema.getPossibleTypes(type)) {
      for (const group of this.collect(nodes.map((n) => n.selectionSet), t).values()) this.field(t, group, tally, hints);
    }
  }

  private isRecordType(type: GraphQLNamedType): boolean {
    const crmObject = this.schema.getType('CrmObject');
    if (!crmObject || !isAbstractType(crmObject)) return false;
    return type === crmObject || type.name === 'Node' || (isObjectType(type) && this.schema.isSubType(crmObject, type));
  }

  // ------------------------------------------------------------------------------------------- records

  /** A set of records: its batch reads, then its associations and links, level by level. */
  records(set: RecordSet, tally: Tally): void {
    if (set.count <= 0 || set.nodes.length === 0) return;
    const type = this.schema.getType(graphqlTypeOf(set.objectType, this.schema));
    if (!isObjectType(type)) return;
    const fields = [...this.collect(set.nodes.map((n) => n.selectionSet), type).values()];
    const history = fields.some((g) => g[0]!.name.value === 'propertyHistory');
    if (set.source === 'loader' || (set.source === 'write' && fields.some((g) => this.needsProperty(type, g[0]!.name.value)))) {
      tally.read(set.objectType, set.level, set.count, history);
    }
    const crm = crmTypeByGraphqlType(type.name);
    // One association read per record and pair, however many fields (aliases, parentCompany/childCompanies) use it.
    const pairs = new Set<string>();
    for (const group of fields) {
      const name = group[0]!.name.value;
      const field = type.getFields()[name];
      if (!field) continue;
      const assoc = crm && associationsOf(crm).find((a) => a.field === name);
      const generic = !crm && name === 'associations';
      if (assoc || generic) {
        const args = this.args(field, group[0]!);
        const to = assoc ? assoc.toObjectType : typeof args.toObjectType === 'string' ? canonicalType(args.toObjectType) : '?';
        if (!pairs.has(to)) {
          pairs.add(to);
          tally.associations(set.objectType, to, set.level, set.count);
        }
        if (assoc?.single) {
          this.records({ objectType: to, count: set.count, level: set.level + 1, nodes: group, source: 'loader' }, tally);
        } else {
          const first = this.pageSize(args.first, MAX_ASSOCIATIONS_PAGE, 10);
          const connection = getNamedType(field.type) as GraphQLObjectType;
          const nodes = [...this.below(group, connection, ['edges', 'node']), ...this.below(group, connection, ['nodes'])];
          this.records({ objectType: to, count: set.count * first, level: set.level + 1, nodes, source: 'loader' }, tally);
        }
        continue;
      }
      const link = crm?.links.find((l) => l.field === name);
      if (link?.type === 'Product') {
        this.records({ objectType: 'products', count: set.count, level: set.level + 1, nodes: group, source: 'loader' }, tally);
      } else if (link) {
        tally.meta(link.type === 'Owner' ? 'owners' : `${set.objectType}: pipelines`);
        this.walk(field, group, tally, { objectType: set.objectType });
      }
    }
  }

  /** Whether a field of a record reads a property (so a record known only from a write needs reading). */
  private needsProperty(type: GraphQLObjectType, name: string): boolean {
    if (RECORD_FIELDS.has(name)) return false;
    const crm = crmTypeByGraphqlType(type.name);
    if ((crm && associationsOf(crm).some((a) => a.field === name)) || name === 'associations') return false;
    return true;
  }

  // ------------------------------------------------------------------------------------------- root reads

  list(objectType: string, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], args: Args, tally: Tally): void {
    const first = this.pageSize(args.first, MAX_LIST_PAGE, 10);
    if (first === 0) return; // answered without a call
    tally.call(`${objectType}: list`);
    this.connectionRecords(objectType, field, nodes, first, 'answer', tally);
  }

  search(objectType: string, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], args: Args, tally: Tally): void {
    const first = this.pageSize(args.first, SEARCH_LIMITS.pageSize, 10);
    const connection = getNamedType(field.type) as GraphQLObjectType;
    if (first === 0 && this.below(nodes, connection, ['totalCount']).length === 0 && this.below(nodes, connection, ['pageInfo']).length === 0) return;
    tally.call(`${objectType}: search`);
    // Search answers carry no property history: records whose selection wants it are read again.
    const recordNodes = [...this.below(nodes, connection, ['edges', 'node']), ...this.below(nodes, connection, ['nodes'])];
    const type = this.schema.getType(graphqlTypeOf(objectType, this.schema));
    const history = isObjectType(type) && [...this.collect(recordNodes.map((n) => n.selectionSet), type).values()].some((g) => g[0]!.name.value === 'propertyHistory');
    this.connectionRecords(objectType, field, nodes, first, history ? 'loader' : 'answer', tally);
  }

  private connectionRecords(objectType: string, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], count: number, source: RecordSet['source'], tally: Tally): void {
    const connection = getNamedType(field.type) as GraphQLObjectType;
    const recordNodes = [...this.below(nodes, connection, ['edges', 'node']), ...this.below(nodes, connection, ['nodes'])];
    this.records({ objectType, count, level: 0, nodes: recordNodes, source }, tally);
  }

  byId(objectType: string, nodes: FieldNode[], args: Args, tally: Tally): void {
    if (args.idProperty !== undefined && args.idProperty !== null) {
      // By a unique property: one GET, its record primed for the fields below.
      tally.call(`${objectType}: get by ${args.idProperty === UNKNOWN ? 'property' : String(args.idProperty)}`);
      return this.records({ objectType, count: 1, level: 0, nodes, source: 'answer' }, tally);
    }
    this.records({ objectType, count: 1, level: 0, nodes, source: 'loader' }, tally);
  }

  byIds(objectType: string, nodes: FieldNode[], args: Args, tally: Tally): void {
    const ids = Math.min(MAX_BY_IDS, this.lengthOf(args.ids, MAX_BY_IDS));
    if (args.idProperty !== undefined && args.idProperty !== null) {
      const type = this.schema.getType(graphqlTypeOf(objectType, this.schema));
      const history = isObjectType(type) && [...this.collect(nodes.map((n) => n.selectionSet), type).values()].some((g) => g[0]!.name.value === 'propertyHistory');
      tally.call(`${objectType}: batch read by property`, Math.ceil(ids / (history ? HISTORY_BATCH_LIMIT : OBJECT_BATCH_LIMIT)));
      return this.records({ objectType, count: ids, level: 0, nodes, source: 'answer' }, tally);
    }
    this.records({ objectType, count: ids, level: 0, nodes, source: 'loader' }, tally);
  }

  node(nodes: FieldNode[], args: Args, tally: Tally): void {
    let objectType = '?';
    if (typeof args.id === 'string') {
      try {
        objectType = canonicalType(parseGlobalId(args.id).objectType);
      } catch {
        return; // refused before any call
      }
    }
    this.records({ objectType, count: 1, level: 0, nodes, source: 'loader' }, tally);
  }
}

/** Whether a literal holds a variable somewhere (a list or input object with `$x` inside). */
function hasVariable(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(hasVariable);
  if (value.kind === Kind.OBJECT) return value.fields.some((f) => hasVariable(f.value));
  return false;
}

// --------------------------------------------------------------------------------------------- handlers

const HANDLERS = new Map<string, Handler>();
/** The root fields of a portal's custom types (src/portalSchema), per built schema: a schema swapped out takes its entries with it. */
const SCHEMA_HANDLERS = new WeakMap<GraphQLSchema, Map<string, Handler>>();
type On = (key: string, handler: Handler) => void;
const on: On = (key, handler) => void HANDLERS.set(key, handler);
const typeArg = (value: unknown) => (typeof value === 'string' ? canonicalType(value) : '?');

function crmQueries(t: CrmTypeInfo, on: On): void {
  on(`Query.${t.plural}`, (e, f, nodes, args, tally) => e.list(t.objectType, f, nodes, args, tally));
  on(`Query.${searchFieldOf(t)}`, (e, f, nodes, args, tally) => e.search(t.objectType, f, nodes, args, tally));
  on(`Query.${t.singular}`, (e, _f, nodes, args, tally) => e.byId(t.objectType, nodes, args, tally));
  on(`Query.${t.plural}ByIds`, (e, _f, nodes, args, tally) => e.byIds(t.objectType, nodes, args, tally));
}
for (const t of CRM_TYPES) crmQueries(t, on);
on('Query.crmObjects', (e, f, nodes, args, tally) => e.list(typeArg(args.objectType), f, nodes, args, tally));
on('Query.searchCrmObjects', (e, f, nodes, args, tally) => e.search(typeArg(args.objectType), f, nodes, args, tally));
on('Query.crmObject', (e, _f, nodes, args, tally) => e.byId(typeArg(args.objectType), nodes, args, tally));
on('Query.node', (e, _f, nodes, args, tally) => e.node(nodes, args, tally));
on('Query.rateLimit', () => undefined);
// Federation: a router's `_entities` call resolves references through the loaders — per type, ⌈references / 100⌉
// batch reads. Representations without a known `__typename` (unknown variables) count as the most a call may hold.
on('Query._entities', (e, _f, nodes, args, tally) => {
  const reps = Array.isArray(args.representations) ? (args.representations as Array<{ __typename?: unknown }>) : [];
  const counts = new Map<string, number>();
  for (const r of reps) if (typeof r?.__typename === 'string') counts.set(r.__typename, (counts.get(r.__typename) ?? 0) + 1);
  if (!Array.isArray(args.representations)) counts.set('?', MAX_BY_IDS);
  for (const [typeName, count] of counts) {
    const crm = crmTypeByGraphqlType(typeName);
    e.records({ objectType: crm ? crm.objectType : '?', count, level: 0, nodes, source: 'loader' }, tally);
  }
});

// The account and its usage: one call each.
on('Query.account', (e, f, nodes, _args, tally, hints) => (tally.call('account'), e.walk(f, nodes, tally, hints)));
on('Account.apiUsage', (_e, _f, _nodes, _args, tally) => tally.call('account: api usage'));

// Owners: a page is one call; single owners come from the cached owner list (or one GET by user id).
on('Query.owners', (_e, _f, _nodes, _args, tally) => tally.call('owners: page'));
on('Query.owner', (_e, _f, _nodes, args, tally) => (args.idProperty === 'USER_ID' ? tally.call('owners: get by user id') : tally.meta('owners')));

// Metadata lists, cached per portal: one call per list.
const pipelinesOf = (value: unknown) => (typeof value === 'string' ? (PIPELINE_TYPES[value] ?? value) : '?');
const metadataRead = (list: (args: Args, hints: Hints) => string, objectType: (args: Args, hints: Hints) => string | undefined): Handler =>
  (e, f, nodes, args, tally, hints) => {
    tally.meta(list(args, hints));
    const type = objectType(args, hints);
    e.walk(f, nodes, tally, { ...hints, ...(type ? { objectType: type } : {}) });
  };
const pipelines: Handler = metadataRead((a) => `${pipelinesOf(a.objectType)}: pipelines`, (a) => pipelinesOf(a.objectType));
on('Query.pipelines', pipelines);
on('Query.pipeline', pipelines);
on('PipelineStage.pipeline', metadataRead((_a, h) => `${h.objectType ?? '?'}: pipelines`, () => undefined));
on('Query.propertyDefinitions', metadataRead((a) => `${typeArg(a.objectType)}: properties${a.archived === true ? ' (archived)' : ''}`, (a) => typeArg(a.objectType)));
on('Query.propertyDefinition', metadataRead((a) => `${typeArg(a.objectType)}: properties`, (a) => typeArg(a.objectType)));
on('Query.propertyGroups', metadataRead((a) => `${typeArg(a.objectType)}: property groups`, (a) => typeArg(a.objectType)));
on('PropertyDefinition.group', metadataRead((_a, h) => `${h.objectType ?? '?'}: property groups`, () => undefined));
on('PropertyGroup.properties', metadataRead((_a, h) => `${h.objectType ?? '?'}: properties`, () => undefined));
on('Query.associationLabels', (_e, _f, _nodes, args, tally) => tally.meta(`${typeArg(args.fromObjectType)}→${typeArg(args.toObjectType)}: association labels`));
on('AssociationLabelPayload.associationLabel', (_e, _f, _nodes, _args, tally, h) => tally.meta(`${h.fromObjectType ?? '?'}→${h.toObjectType ?? '?'}: association labels`));

// What an association in a mutation payload reads: its types (an association read) and its two records.
on('Association.types', (_e, _f, _nodes, _args, tally, h) => tally.associations(h.fromObjectType ?? '?', h.toObjectType ?? '?', 0, h.listSize ?? 1));
on('Association.from', (e, _f, nodes, _args, tally, h) => e.records({ objectType: h.fromObjectType ?? '?', count: h.listSize ?? 1, level: 0, nodes, source: 'loader' }, tally));
on('Association.to', (e, _f, nodes, _args, tally, h) => e.records({ objectType: h.toObjectType ?? '?', count: h.listSize ?? 1, level: 0, nodes, source: 'loader' }, tally));

/** A write of `calls` HubSpot calls, then whatever its payload reads. */
const write = (calls: (e: Estimator, args: Args) => number, hintsOf: (e: Estimator, args: Args) => Hints = () => ({}), lookups: (args: Args) => string[] = () => []): Handler =>
  (e, f, nodes, args, tally) => {
    tally.call(`${f.name}: write`, calls(e, args));
    for (const what of lookups(args)) tally.meta(what);
    e.walk(f, nodes, tally, hintsOf(e, args));
  };
const one = () => 1;
const batches = (list: string) => (e: Estimator, args: Args) => Math.max(1, Math.ceil(e.lengthOf(args[list], 1) / WRITE_BATCH));

/** Association label definitions a write looks up: for inputs that give a label or no types (unknown inputs included). */
function labelLookups(from: unknown, to: unknown, inputs: unknown): string[] {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const needs = inputs === UNKNOWN || list.some((i) => !i || typeof i !== 'object' || !Array.isArray((i as Args).types) || ((i as Args).types as unknown[]).length === 0);
  return needs ? [`${typeArg(from)}→${typeArg(to)}: association labels`] : [];
}

function crmMutations(t: CrmTypeInfo, on: On): void {
  const hints = (objectType: string) => () => ({ objectType });
  const associationLookups = (inputs: unknown): string[] => {
    const list = inputs === UNKNOWN ? [] : (Array.isArray(inputs) ? inputs : [inputs]).flatMap((i) => ((i as Args | null)?.associations as Args[] | undefined) ?? []);
    return [...new Set(list.flatMap((a) => labelLookups(t.objectType, a.toObjectType, a)))];
  };
  on(`Mutation.${t.singular}Create`, write(one, hints(t.objectType), (a) => associationLookups(a.input)));
  on(`Mutation.${t.singular}Update`, write(one, hints(t.objectType)));
  on(`Mutation.${t.singular}Merge`, write(one, hints(t.objectType)));
  on(`Mutation.${t.singular}Archive`, write(one));
  for (const kind of ['Create', 'Update', 'Upsert']) {
    on(`Mutation.${t.plural}Batch${kind}`, write(batches('inputs'), (e, a) => ({ objectType: t.objectType, listSize: e.lengthOf(a.inputs, 1) }), kind === 'Create' ? (a) => associationLookups(a.inputs) : undefined));
  }
  on(`Mutation.${t.plural}BatchArchive`, write(batches('ids')));
}
for (const t of CRM_TYPES) crmMutations(t, on);

/**
 * Prices the root fields of a portal's custom object types (src/portalSchema) like a standard type's, in `schema`
 * only: another schema of the process (the one it replaces, another gateway's) keeps its own, and entries go with
 * the schema.
 */
export function priceCrmTypes(schema: GraphQLSchema, types: readonly CrmTypeInfo[]): void {
  const handlers = new Map<string, Handler>();
  const add: On = (key, handler) => void handlers.set(key, handler);
  for (const t of types) {
    crmQueries(t, add);
    crmMutations(t, add);
  }
  SCHEMA_HANDLERS.set(schema, handlers);
}

on('Mutation.crmObjectCreate', write(one, (_e, a) => ({ objectType: typeArg(a.objectType) }), (a) => {
  const list = a.associations === UNKNOWN ? [] : ((a.associations as Args[] | null) ?? []);
  return [...new Set(list.flatMap((x) => labelLookups(a.objectType, x.toObjectType, x)))];
}));
on('Mutation.crmObjectUpdate', write(one, (_e, a) => ({ objectType: typeArg(a.objectType) })));

// Association writes: one call (batches ⌈inputs / 100⌉); creating by label or default type looks up the labels.
const pairHints = (from: unknown, to: unknown, listSize = 1): Hints => ({ fromObjectType: typeArg(from), toObjectType: typeArg(to), listSize });
const inputOf = (a: Args) => (a.input && typeof a.input === 'object' ? (a.input as Args) : {});
on('Mutation.associationCreate', write(one, (_e, a) => pairHints(inputOf(a).fromObjectType, inputOf(a).toObjectType), (a) => labelLookups(inputOf(a).fromObjectType, inputOf(a).toObjectType, a.input)));
on('Mutation.associationLabelRemove', write(one, (_e, a) => pairHints(inputOf(a).fromObjectType, inputOf(a).toObjectType), (a) => labelLookups(inputOf(a).fromObjectType, inputOf(a).toObjectType, a.input)));
for (const name of ['associationCreateDefault', 'associationDelete']) {
  on(`Mutation.${name}`, write(one, (_e, a) => pairHints(inputOf(a).fromObjectType, inputOf(a).toObjectType)));
}
for (const name of ['associationsBatchCreate', 'associationsBatchCreateDefault', 'associationsBatchDelete', 'associationsBatchLabelRemove']) {
  const typed = name === 'associationsBatchCreate' || name === 'associationsBatchLabelRemove';
  on(`Mutation.${name}`, write(batches('inputs'), (e, a) => pairHints(a.fromObjectType, a.toObjectType, e.lengthOf(a.inputs, 1)), (a) => (typed ? labelLookups(a.fromObjectType, a.toObjectType, a.inputs) : [])));
}
for (const name of ['associationLabelCreate', 'associationLabelUpdate', 'associationLabelDelete']) {
  on(`Mutation.${name}`, write(one, (_e, a) => pairHints(a.fromObjectType, a.toObjectType)));
}

// Pipeline and property writes; stage writes first find their pipeline, updates their property, in the cached lists.
for (const name of ['pipelineCreate', 'pipelineUpdate', 'pipelineRestore', 'pipelineArchive']) {
  on(`Mutation.${name}`, write(one, (_e, a) => ({ objectType: pipelinesOf(a.objectType) })));
}
for (const name of ['pipelineStageCreate', 'pipelineStageUpdate']) {
  on(`Mutation.${name}`, write(one, (_e, a) => ({ objectType: pipelinesOf(a.objectType) }), (a) => [`${pipelinesOf(a.objectType)}: pipelines`]));
}
// Archiving a stage also reads the pipeline again after the write, for its payload.
on('Mutation.pipelineStageArchive', write(() => 2, (_e, a) => ({ objectType: pipelinesOf(a.objectType) }), (a) => [`${pipelinesOf(a.objectType)}: pipelines`]));
on('Mutation.propertyUpdate', write(one, (_e, a) => ({ objectType: typeArg(a.objectType) }), (a) => [`${typeArg(a.objectType)}: properties`]));
for (const name of ['propertyCreate', 'propertyArchive', 'propertyGroupCreate', 'propertyGroupUpdate', 'propertyGroupArchive']) {
  on(`Mutation.${name}`, write(one, (_e, a) => ({ objectType: typeArg(a.objectType) })));
}

// --------------------------------------------------------------------------------------------- entry point

/** The request's variables as execution will see them; when they do not coerce, what was given plus the defaults. */
function coerceVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, given: Record<string, unknown>): Record<string, unknown> {
  const defs = operation.variableDefinitions ?? [];
  const result = getVariableValues(schema, defs, given, { maxErrors: 50 });
  if (result.coerced) return result.coerced;
  // The operation will fail on its variables before any call; estimate from what there is.
  const out: Record<string, unknown> = { ...given };
  for (const def of defs) {
    const type = typeFromAST(schema, def.type) as GraphQLInputType | undefined;
    if (!(def.variable.name.value in out) && def.defaultValue && type) out[def.variable.name.value] = valueFromAST(def.defaultValue, type);
  }
  return out;
}

/**
 * Estimates the HubSpot calls of the operation `operationName` of a valid document (the only one when no name is
 * given). Without `variables` every argument given by a variable counts as its maximum.
 */
export function estimateCost(schema: GraphQLSchema, document: DocumentNode, options: { operationName?: string | null; variables?: Record<string, unknown> } = {}): CostEstimate {
  const operation = getOperationAST(document, options.operationName ?? undefined);
  if (!operation) return { calls: 0, parts: {} };
  const variables = options.variables === undefined ? undefined : coerceVariables(schema, operation, options.variables);
  return new Estimator(schema, document, variables).estimate(operation);
}
