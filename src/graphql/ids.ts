import { GraphQLError } from 'graphql';

/**
 * Global ids (`Node.id`): the HubSpot object type and record id, base64url-encoded so clients treat them as
 * opaque. The HubSpot id itself is `hs_object_id`.
 */
export function globalId(objectType: string, id: string): string {
  return Buffer.from(`${objectType}:${id}`, 'utf8').toString('base64url');
}

export function parseGlobalId(value: string): { objectType: string; id: string } {
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  const i = decoded.lastIndexOf(':');
  if (i <= 0 || i === decoded.length - 1 || globalId(decoded.slice(0, i), decoded.slice(i + 1)) !== value) {
    throw new GraphQLError(`'${value}' is not a valid node id`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { objectType: decoded.slice(0, i), id: decoded.slice(i + 1) };
}

/** Connection cursors: HubSpot's own cursor for a page (`a`) and a position within it (`o`), opaque to clients. */
export interface Cursor {
  a?: string;
  o: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c.a === undefined ? { o: c.o } : c), 'utf8').toString('base64url');
}

export function decodeCursor(value: string | null | undefined): Cursor {
  if (value === null || value === undefined || value === '') return { o: 0 };
  try {
    const c = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Cursor;
    if (typeof c === 'object' && c && Number.isInteger(c.o) && c.o >= 0 && (c.a === undefined || typeof c.a === 'string')) return c;
  } catch {
    // fall through
  }
  throw new GraphQLError(`'${value}' is not a valid cursor`, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Validates a page size against HubSpot's maximum for the operation, before any call. */
export function pageSize(first: number | null | undefined, max: number, fallback = 10): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new GraphQLError(`first must be from 0 to ${max}, got ${n}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return n;
}
