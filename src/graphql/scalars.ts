import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** ISO-8601 instant; output from HubSpot's ISO strings or epoch-ms strings, input validated. */
export const DateTime = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) return new Date(Number(value)).toISOString();
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
    throw new GraphQLError(`DateTime cannot represent ${JSON.stringify(value)}`);
  },
  parseValue(value) {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw badInput(`DateTime must be an ISO-8601 string, got ${JSON.stringify(value)}`);
    return new Date(value).toISOString();
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || Number.isNaN(Date.parse(ast.value))) throw badInput('DateTime must be an ISO-8601 string');
    return new Date(ast.value).toISOString();
  },
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Calendar date `YYYY-MM-DD`; HubSpot stores dates as midnight-UTC epoch ms (older data: ISO strings). */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  serialize(value) {
    if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value))) return new Date(Number(value)).toISOString().slice(0, 10);
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value.slice(0, 10);
    throw new GraphQLError(`Date cannot represent ${JSON.stringify(value)}`);
  },
  parseValue(value) {
    if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value))) throw badInput(`Date must be YYYY-MM-DD, got ${JSON.stringify(value)}`);
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !DATE.test(ast.value) || Number.isNaN(Date.parse(ast.value))) throw badInput('Date must be a YYYY-MM-DD string');
    return ast.value;
  },
});
