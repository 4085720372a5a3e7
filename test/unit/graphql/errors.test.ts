import { GraphQLError, locatedError, type GraphQLFormattedError } from 'graphql';
import { codeForHubSpot, formatError, hubspotGraphQLError } from '../../../src/graphql/errors';
import { costLimitError } from '../../../src/graphql/limits';
import { HubSpotError, type TransportFailure } from '../../../src/hubspot/errors';
import { RateLimitedError } from '../../../src/hubspot/policy/limiter';

const OPERATION = 'POST /crm/v3/objects/{objectType}/batch/read';
const CORRELATION = '0a1b2c3d-0000-4000-8000-000000000001';

/** A HubSpot answer with everything HubSpot puts in an error body, none of which but status/category/correlationId may leak. */
function answered(status: number, extra: { category?: string; retryAfter?: string } = {}): HubSpotError {
  return HubSpotError.fromResponse(
    OPERATION,
    status,
    {
      status: 'error',
      message: `HubSpot says ${status}`,
      category: extra.category ?? `CATEGORY_${status}`,
      correlationId: CORRELATION,
      context: { secret: ['https://api.hubapi.com/crm/v3/objects/contacts?hapikey=leak'] },
      errors: [{ message: 'detail with a token pat-na1-leak', in: 'email' }],
      subCategory: 'SUB',
    },
    extra.retryAfter,
  );
}
const transport = (kind: TransportFailure) => HubSpotError.transportFailure(OPERATION, kind, `${kind.toLowerCase()} while calling HubSpot`);

/** What Apollo hands formatError for an error thrown in a resolver: the located error, formatted. */
function format(error: unknown, path: ReadonlyArray<string | number> = ['contacts', 0, 'email']): GraphQLFormattedError {
  const located = locatedError(error, undefined, path);
  return formatError(located.toJSON(), located);
}

describe('the error table: HubSpot status → code', () => {
  test.each([
    [400, 'BAD_USER_INPUT'],
    [413, 'BAD_USER_INPUT'],
    [414, 'BAD_USER_INPUT'],
    [422, 'BAD_USER_INPUT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [429, 'RATE_LIMITED'],
    [500, 'UPSTREAM_ERROR'],
    [502, 'UPSTREAM_ERROR'],
    [503, 'UPSTREAM_ERROR'],
    [504, 'UPSTREAM_ERROR'],
    // Anything the table does not name is HubSpot failing, not the caller.
    [423, 'UPSTREAM_ERROR'],
    [302, 'UPSTREAM_ERROR'],
  ])('%i → %s', (status, code) => {
    expect(codeForHubSpot(answered(status))).toBe(code);
  });

  test.each(['TIMEOUT', 'CONNECTION', 'BAD_RESPONSE'] as const)('transport failure %s → UPSTREAM_ERROR', (kind) => {
    expect(codeForHubSpot(transport(kind))).toBe('UPSTREAM_ERROR');
  });
});

describe('hubspotGraphQLError: our code and hubspot { status category correlationId }, nothing else from upstream', () => {
  test.each([400, 401, 403, 404, 409, 413, 414, 422, 500, 503])('%i carries exactly code and hubspot', (status) => {
    const e = hubspotGraphQLError(answered(status), ['contact']);
    expect(e.extensions).toEqual({ code: codeForHubSpot(answered(status)), hubspot: { status, category: `CATEGORY_${status}`, correlationId: CORRELATION } });
    expect(e.path).toEqual(['contact']);
    expect(JSON.stringify(e)).not.toMatch(/hapikey|pat-na1|api\.hubapi\.com|SUB/);
  });

  test('429 adds retryAfter (seconds) when HubSpot sent Retry-After, and only then', () => {
    expect(hubspotGraphQLError(answered(429, { category: 'RATE_LIMITS', retryAfter: '3' })).extensions).toEqual({
      code: 'RATE_LIMITED',
      hubspot: { status: 429, category: 'RATE_LIMITS', correlationId: CORRELATION },
      retryAfter: 3,
    });
    expect(Object.keys(hubspotGraphQLError(answered(429)).extensions).sort()).toEqual(['code', 'hubspot']);
    // A Retry-After on another status is no promise about rate limits.
    expect(hubspotGraphQLError(answered(503, { retryAfter: '3' })).extensions.retryAfter).toBeUndefined();
  });

  test('a transport failure says HubSpot is unavailable, with status 0 and no correlation id', () => {
    const e = hubspotGraphQLError(transport('TIMEOUT'));
    expect(e.message).toBe('HubSpot is unavailable: timeout while calling HubSpot');
    expect(e.extensions).toEqual({ code: 'UPSTREAM_ERROR', hubspot: { status: 0, category: 'TIMEOUT' } });
  });
});

describe('formatError', () => {
  test('a HubSpot error thrown by a resolver is mapped, keeping its path', () => {
    const formatted = format(answered(404));
    expect(formatted).toEqual({
      message: 'HubSpot says 404',
      path: ['contacts', 0, 'email'],
      extensions: { code: 'NOT_FOUND', hubspot: { status: 404, category: 'CATEGORY_404', correlationId: CORRELATION } },
    });
  });

  test.each([
    'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'RATE_LIMITED', 'UPSTREAM_ERROR', 'COST_LIMIT',
    'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE',
  ])('a GraphQLError coded %s passes, without stacktrace or exception', (code) => {
    const error = new GraphQLError('Told the caller', { extensions: { code, field: 'first' } });
    const formatted = formatError({ ...error.toJSON(), extensions: { ...error.extensions, stacktrace: ['at x.ts:1'], exception: { stacktrace: [] } } }, error);
    expect(formatted).toEqual({ message: 'Told the caller', extensions: { code, field: 'first' } });
  });

  test('COST_LIMIT passes with its extensions.cost', () => {
    const error = costLimitError(250, 200);
    expect(formatError(error.toJSON(), error)).toEqual({ message: error.message, extensions: { code: 'COST_LIMIT', cost: { estimated: 250, maximum: 200 } } });
  });

  test('RateLimitedError passes with retryAfter', () => {
    const formatted = format(new RateLimitedError(4));
    expect(formatted.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: 4 });
    expect(formatted.message).toMatch(/retry after 4 s/);
  });

  test.each([
    ['a plain Error', new Error('db password is hunter2')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a GraphQLError with an unknown code', new GraphQLError('internal detail', { extensions: { code: 'SOMETHING_ELSE' } })],
    ['a GraphQLError with no code', new GraphQLError('internal detail')],
    ['a thrown string', 'boom'],
  ])('%s is masked as INTERNAL without message or stack', (_name, error) => {
    const formatted = format(error);
    expect(formatted).toEqual({ message: 'Internal error', path: ['contacts', 0, 'email'], extensions: { code: 'INTERNAL' } });
  });

  test('never throws: a formatted error whose extensions cannot be read is masked', () => {
    const hostile = { message: 'x', get extensions(): never { throw new Error('getter'); } } as GraphQLFormattedError;
    expect(formatError(hostile, new Error('x'))).toEqual({ message: 'Internal error', extensions: { code: 'INTERNAL' } });
  });
});
