import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { HubSpotError } from '../hubspot/errors';
import { redactHubSpotMessage } from '../crm/userErrors';

/** The error codes clients see in `extensions.code`. */
export type ErrorCode =
  | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT'
  | 'RATE_LIMITED' | 'UPSTREAM_ERROR' | 'COST_LIMIT' | 'INTERNAL';

/** HubSpot's answer → our code: one table, by status. */
export function codeForHubSpot(error: HubSpotError): ErrorCode {
  if (error.transport) return 'UPSTREAM_ERROR';
  switch (error.status) {
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 400: case 413: case 414: case 422: return 'BAD_USER_INPUT';
    case 409: return 'CONFLICT';
    case 429: return 'RATE_LIMITED';
    default: return 'UPSTREAM_ERROR';
  }
}

/**
 * A HubSpot failure as a GraphQL error. Extensions carry our code and HubSpot's status, category and
 * correlation id — never HubSpot's body, URLs, headers or tokens.
 */
export function hubspotGraphQLError(error: HubSpotError, path?: ReadonlyArray<string | number>): GraphQLError {
  const code = codeForHubSpot(error);
  // HubSpot's validation messages may echo the refused property values: they are personal data, so they go.
  const message = error.transport ? `HubSpot is unavailable: ${error.message}` : redactHubSpotMessage(error.message);
  return new GraphQLError(message, {
    ...(path ? { path } : {}),
    extensions: {
      code,
      hubspot: {
        status: error.status,
        category: error.category,
        ...(error.correlationId ? { correlationId: error.correlationId } : {}),
      },
      ...(error.retryAfterSeconds !== undefined && code === 'RATE_LIMITED' ? { retryAfter: error.retryAfterSeconds } : {}),
    },
  });
}

/** Codes our own resolvers and Apollo may set; anything else is masked as INTERNAL. */
const PASS_THROUGH = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'RATE_LIMITED', 'UPSTREAM_ERROR', 'COST_LIMIT',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'PERSISTED_QUERY_NOT_IN_LIST', 'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo's formatError: HubSpot errors are mapped, coded errors pass, everything else becomes a generic
 * INTERNAL error without message or stack. Written so that it cannot throw.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  try {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (original instanceof HubSpotError) {
      const mapped = hubspotGraphQLError(original);
      return { message: mapped.message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}), extensions: mapped.extensions };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      const { stacktrace: _s, exception: _e, http: _h, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
  } catch {
    // fall through to the masked error
  }
  return {
    message: 'Internal error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL' },
  };
}
