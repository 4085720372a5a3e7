import {
  getDirectiveValues, getNamedType, GraphQLIncludeDirective, GraphQLSkipDirective, isInterfaceType, isLeafType, isObjectType, Kind,
  type FieldNode, type FragmentSpreadNode, type GraphQLField, type GraphQLObjectType, type GraphQLResolveInfo, type InlineFragmentNode, type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { propertyNameOf } from '../crm/propertyNames';

/** The HubSpot properties (and property histories) a selection needs, for an explicit `properties` list. */
export interface Needs {
  properties: string[];
  history: string[];
}

/** Fields of CrmObject that come from the record itself, not from a property. */
const RECORD_FIELDS = new Set(['id', 'hs_object_id', 'objectType', 'createdAt', 'updatedAt', 'archived', 'archivedAt', '__typename']);

/** What one field of a CRM type reads: its own property, the properties its directive names, or nothing. */
function fieldNeeds(field: GraphQLField<unknown, unknown>, node: FieldNode, info: GraphQLResolveInfo, out: { props: Set<string>; history: Set<string> }): void {
  const name = field.name;
  if (RECORD_FIELDS.has(name)) return;
  if (name === 'property' || name === 'properties' || name === 'propertyHistory') {
    const args = getArgumentValues(field, node, info.variableValues) as { name?: string; names?: string[] };
    if (name === 'property' && args.name) out.props.add(args.name);
    if (name === 'properties') for (const n of args.names ?? []) out.props.add(n);
    if (name === 'propertyHistory' && args.name) out.history.add(args.name);
    return;
  }
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'hubspotProperties');
  if (directive) {
    const list = directive.arguments?.find((a) => a.name.value === 'names')?.value;
    if (list?.kind === Kind.LIST) for (const v of list.values) if (v.kind === Kind.STRING) out.props.add(v.value);
    return;
  }
  // A scalar field named as HubSpot names the property (or mapped by @hubspotProperty); object-valued fields (associations) need none.
  if (isLeafType(getNamedType(field.type))) out.props.add(propertyNameOf(field));
}

/** Whether @skip / @include let a selection through, as GraphQL execution decides it. */
function included(node: FieldNode | InlineFragmentNode | FragmentSpreadNode, info: GraphQLResolveInfo): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}

/** Calls `visit` for each field selected on `type` (fragments whose type condition applies included; @skip/@include obeyed). */
function forEachField(
  selectionSet: SelectionSetNode | undefined,
  type: GraphQLObjectType,
  info: GraphQLResolveInfo,
  visit: (field: GraphQLField<unknown, unknown>, node: FieldNode) => void,
  seen: Set<string> = new Set(),
): void {
  for (const sel of selectionSet?.selections ?? []) {
    if (!included(sel, info)) continue;
    if (sel.kind === Kind.FIELD) {
      const field = type.getFields()[sel.name.value];
      if (field) visit(field, sel);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (appliesTo(sel.typeCondition?.name.value, type, info)) forEachField(sel.selectionSet, type, info, visit, seen);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = info.fragments[sel.name.value];
      if (frag && !seen.has(frag.name.value) && appliesTo(frag.typeCondition.name.value, type, info)) {
        seen.add(frag.name.value);
        forEachField(frag.selectionSet, type, info, visit, seen);
      }
    }
  }
}

function appliesTo(condition: string | undefined, type: GraphQLObjectType, info: GraphQLResolveInfo): boolean {
  if (!condition || condition === type.name) return true;
  const cond = info.schema.getType(condition);
  return isInterfaceType(cond) && type.getInterfaces().some((i) => i.name === cond.name);
}

/** Needs of the fields selected on `fieldNodes`, resolved as the object type `typeName`. */
export function needsOf(info: GraphQLResolveInfo, typeName: string, fieldNodes: readonly FieldNode[] = info.fieldNodes): Needs {
  const type = info.schema.getType(typeName);
  if (!isObjectType(type)) return { properties: [], history: [] };
  const out = { props: new Set<string>(), history: new Set<string>() };
  for (const node of fieldNodes) forEachField(node.selectionSet, type, info, (field, sel) => fieldNeeds(field, sel, info, out));
  return { properties: [...out.props].sort(), history: [...out.history].sort() };
}

/** The field nodes selected on a record of the object type `typeName` below `fieldNodes` (by field name, in order). */
export function selectedFieldsOn(info: GraphQLResolveInfo, typeName: string, fieldNodes: readonly FieldNode[]): FieldNode[] {
  const type = info.schema.getType(typeName);
  if (!isObjectType(type)) return [];
  const out: FieldNode[] = [];
  for (const node of fieldNodes) forEachField(node.selectionSet, type, info, (_field, sel) => out.push(sel));
  return out;
}

/** The field nodes selected as `path` below the current field, e.g. ['edges', 'node'] or ['nodes'] of a connection. */
export function subFields(info: GraphQLResolveInfo, path: string[], fieldNodes: readonly FieldNode[] = info.fieldNodes): FieldNode[] {
  let level: FieldNode[] = [...fieldNodes];
  for (const name of path) {
    const next: FieldNode[] = [];
    for (const node of level) collect(node.selectionSet, name, info, next, new Set());
    level = next;
  }
  return level;
}

function collect(selectionSet: SelectionSetNode | undefined, name: string, info: GraphQLResolveInfo, out: FieldNode[], seen: Set<string>): void {
  for (const sel of selectionSet?.selections ?? []) {
    if (!included(sel, info)) continue;
    if (sel.kind === Kind.FIELD && sel.name.value === name) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet, name, info, out, seen);
    else if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      collect(info.fragments[sel.name.value]?.selectionSet, name, info, out, seen);
    }
  }
}

/** Needs of a connection's nodes: the union of `edges { node { … } }` and `nodes { … }`. */
export function connectionNeeds(info: GraphQLResolveInfo, typeName: string): Needs {
  const nodes = [...subFields(info, ['edges', 'node']), ...subFields(info, ['nodes'])];
  return needsOf(info, typeName, nodes);
}
