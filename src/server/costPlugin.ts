import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import {
  execute, getDirectiveValues, getVariableValues, GraphQLError, GraphQLIncludeDirective, GraphQLSkipDirective, Kind, validate,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionNode, type SelectionSetNode,
} from 'graphql';
import type { GatewayContext } from '../context';
import { formatError } from '../graphql/errors';
import { costLimitRule } from '../graphql/limits';

export interface CostPluginOptions {
  /** Most HubSpot calls an operation may be estimated to make (MAX_QUERY_COST). */
  maxCost: number;
}

/**
 * The cost of every request, as GitHub reports it:
 * - once the operation is known (after validation, before execution) it is estimated with the request's variables
 *   (src/graphql/cost.ts); an operation over `maxCost` is refused with COST_LIMIT (HTTP 400) before any HubSpot call;
 * - an operation that selects `rateLimit(dryRun: true)` is not executed: only its `rateLimit` fields are resolved
 *   (so no HubSpot call is made and it is never refused for its cost) and `data` holds only them;
 * - every response carries `extensions.cost { estimated actual rateLimit { limit remaining resetAt } }`: the
 *   estimate, the HubSpot calls made, and the portal's rate limit after them.
 */
export function costPlugin(options: CostPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let dryRun = false;
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return; // no such operation: Apollo refuses the request
          const variables = request.variables ?? {};
          dryRun = operation.operation === 'query' && selectsDryRun(schema, document, operation, variables);
          const errors = validate(schema, document, [
            costLimitRule({
              maximum: dryRun ? Infinity : options.maxCost,
              operationName: request.operationName ?? null,
              variables,
              onEstimate: (e) => (contextValue.cost.estimated = e.calls),
            }),
          ]);
          // Thrown here, Apollo answers with this error alone and runs nothing; `http` sets the status.
          const [error] = errors;
          if (error) throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
        },
        async responseForOperation({ schema, document, operation, request, contextValue }): Promise<GraphQLResponse | null> {
          if (!dryRun) return null;
          const result = await execute({
            schema,
            document: onlyRateLimit(schema, document, operation, request.variables ?? {}),
            contextValue,
            variableValues: request.variables ?? {},
          });
          // A response from this hook skips Apollo's error formatting, so errors are formatted here.
          const errors = result.errors?.map((e) => formatError(e.toJSON(), e));
          return { http: { headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: result.data ?? null, ...(errors ? { errors } : {}) } } };
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          // The budget's state is extra information: a store that cannot be read (Redis down) must not fail the response.
          const rateLimit = await contextValue.cost.rateLimit().then(
            (s) => ({ limit: s.limit, remaining: s.remaining, resetAt: s.resetAt.toISOString() }),
            () => null,
          );
          const cost = { estimated: contextValue.cost.estimated ?? 0, actual: contextValue.cost.upstreamCalls, rateLimit };
          result.extensions = { ...(result.extensions ?? {}), cost };
        },
      };
    },
  };
}

// ------------------------------------------------------------------------------------------------ dry runs

const fragmentsOf = (document: DocumentNode) =>
  Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));

function included(sel: SelectionNode, variables: Record<string, unknown>): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, sel, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, sel, variables)?.if !== false;
}

/** The root fields an operation runs, with fragments (all on the root type) spread and @skip/@include applied. */
function rootFields(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>, seen = new Set<string>()): FieldNode[] {
  const out: FieldNode[] = [];
  for (const sel of set.selections) {
    if (!included(sel, variables)) continue;
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) out.push(...rootFields(sel.selectionSet, fragments, variables, seen));
    else if (!seen.has(sel.name.value) && fragments[sel.name.value]) {
      seen.add(sel.name.value);
      out.push(...rootFields(fragments[sel.name.value]!.selectionSet, fragments, variables, seen));
    }
  }
  return out;
}

/** The request's variables as execution coerces them (defaults applied); none when they do not coerce. */
function coerced(schema: GraphQLSchema, operation: OperationDefinitionNode, given: Record<string, unknown>): Record<string, unknown> {
  return getVariableValues(schema, operation.variableDefinitions ?? [], given).coerced ?? {};
}

/** Whether the operation selects `rateLimit(dryRun: true)`. */
function selectsDryRun(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, given: Record<string, unknown>): boolean {
  const variables = coerced(schema, operation, given);
  return rootFields(operation.selectionSet, fragmentsOf(document), variables).some((f) => {
    if (f.name.value !== 'rateLimit') return false;
    const arg = f.arguments?.find((a) => a.name.value === 'dryRun')?.value;
    if (arg?.kind === Kind.BOOLEAN) return arg.value;
    return arg?.kind === Kind.VARIABLE && variables[arg.name.value] === true;
  });
}

/** The operation with only its `rateLimit` (and `__typename`) root fields: what a dry run executes. */
function onlyRateLimit(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, given: Record<string, unknown>): DocumentNode {
  const fragments = fragmentsOf(document);
  const kept = rootFields(operation.selectionSet, fragments, coerced(schema, operation, given)).filter((f) => f.name.value === 'rateLimit' || f.name.value === '__typename');
  const pruned: OperationDefinitionNode = { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: kept } };
  return { kind: Kind.DOCUMENT, definitions: [pruned, ...Object.values(fragments)] };
}
