import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { estimateCost, type CostEstimate } from './cost';

/**
 * Limits on what one operation may ask for, as graphql-js validation rules. Internal; the settings that set them
 * (MAX_QUERY_DEPTH, MAX_QUERY_ALIASES, MAX_QUERY_COST) and the errors they give are public.
 *
 * Depth and aliases depend on the document alone, so they run with Apollo's validation (and are cached with the
 * validated document): Apollo reports them, like every validation failure, as GRAPHQL_VALIDATION_FAILED with
 * HTTP 400, and `extensions.limit` names the limit. The cost depends on the variables too, so the cost plugin runs
 * `costLimitRule` for each request, after validation and before execution, and reports COST_LIMIT.
 */

/** Which limit an operation broke, by its setting, with the allowed and the actual value. */
export interface LimitExceeded {
  setting: 'MAX_QUERY_DEPTH' | 'MAX_QUERY_ALIASES';
  maximum: number;
  actual: number;
}

/**
 * Walks an operation's selections with its fragments spread where used. Each fragment's result is computed once
 * (so fragments spread many times stay cheap to check) and a fragment that spreads itself counts as empty:
 * NoFragmentCyclesRule reports the cycle.
 */
function perFragment(context: ValidationContext, ofSet: (set: SelectionSetNode, spread: (name: string) => number) => number): (set: SelectionSetNode) => number {
  const done = new Map<string, number>();
  const inProgress = new Set<string>();
  const spread = (name: string): number => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    const value = ofSet(fragment.selectionSet, spread);
    inProgress.delete(name);
    done.set(name, value);
    return value;
  };
  return (set) => ofSet(set, spread);
}

/** Nesting of fields: `{ a { b } }` is 2 deep. Introspection fields (`__schema`, `__type`) are not counted. */
function depthOf(set: SelectionSetNode, spread: (name: string) => number): number {
  let deepest = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + (sel.selectionSet ? depthOf(sel.selectionSet, spread) : 0));
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(sel.selectionSet, spread));
    } else {
      deepest = Math.max(deepest, spread(sel.name.value));
    }
  }
  return deepest;
}

/** Aliased fields, a fragment's counted each time it is spread. */
function aliasesOf(set: SelectionSetNode, spread: (name: string) => number): number {
  let count = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) count += (sel.alias ? 1 : 0) + (sel.selectionSet ? aliasesOf(sel.selectionSet, spread) : 0);
    else if (sel.kind === Kind.INLINE_FRAGMENT) count += aliasesOf(sel.selectionSet, spread);
    else count += spread(sel.name.value);
  }
  return count;
}

function limitRule(setting: LimitExceeded['setting'], maximum: number, measure: typeof depthOf, message: (actual: number) => string): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const measureSet = perFragment(context, measure);
    return {
      OperationDefinition(operation) {
        const actual = measureSet(operation.selectionSet);
        if (actual <= maximum) return;
        const limit: LimitExceeded = { setting, maximum, actual };
        context.reportError(new GraphQLError(message(actual), { nodes: [operation], extensions: { limit } }));
      },
    };
  };
}

/** Refuses operations nested deeper than `maximum` fields. */
export function maxDepthRule(maximum: number): ValidationRule {
  return limitRule('MAX_QUERY_DEPTH', maximum, depthOf, (actual) => `The operation is ${actual} fields deep; at most ${maximum} are allowed (MAX_QUERY_DEPTH).`);
}

/** Refuses operations with more than `maximum` aliased fields (aliases multiply what one document asks HubSpot for). */
export function maxAliasesRule(maximum: number): ValidationRule {
  return limitRule('MAX_QUERY_ALIASES', maximum, aliasesOf, (actual) => `The operation has ${actual} aliased fields; at most ${maximum} are allowed (MAX_QUERY_ALIASES).`);
}

/** The error of an operation whose estimate is over the limit: code COST_LIMIT, `extensions.cost { estimated maximum }`. */
export function costLimitError(estimated: number, maximum: number): GraphQLError {
  return new GraphQLError(
    `The operation would make up to ${estimated} HubSpot calls; at most ${maximum} are allowed per operation (MAX_QUERY_COST). Ask for fewer records (smaller \`first\`) or fewer levels of associations.`,
    { extensions: { code: 'COST_LIMIT', cost: { estimated, maximum } } },
  );
}

/**
 * Refuses the operation `operationName` when its estimated HubSpot calls (see cost.ts) are over `maximum`.
 * `variables` are the request's; without them every argument given by a variable counts as its maximum.
 * `onEstimate` receives the estimate, whether or not it is refused.
 */
export function costLimitRule(options: {
  maximum: number;
  operationName?: string | null;
  variables?: Record<string, unknown>;
  onEstimate?: (estimate: CostEstimate) => void;
}): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document: {
      leave(document) {
        const estimate = estimateCost(context.getSchema(), document, options);
        options.onEstimate?.(estimate);
        if (estimate.calls > options.maximum) context.reportError(costLimitError(estimate.calls, options.maximum));
      },
    },
  });
}
