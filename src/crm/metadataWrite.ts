import { isInputProblem, isOutcomeUnknown, outcomeUnknown, userErrorsOf, type UserError, type UserErrorCode } from './userErrors';

/**
 * Where the userErrors of a refused metadata write (pipelines, stages, properties, groups) point. HubSpot's
 * refusal says what went wrong but not which argument; the mutation knows: a 404 is about the id or name it
 * was given, a 409 about the name it tried to take, anything else about the input as a whole.
 */
export interface RefusalFields {
  notFound: string[] | null;
  conflict?: string[];
  invalid: string[] | null;
}

/** A write's outcome: HubSpot's answer, or userErrors (never both). */
export type WriteResult<T> = { value: T; userErrors: [] } | { value: null; userErrors: UserError[] };

const fieldFor = (code: UserErrorCode, fields: RefusalFields): string[] | null =>
  code === 'NOT_FOUND' ? fields.notFound : code === 'CONFLICT' ? (fields.conflict ?? fields.invalid) : fields.invalid;

/**
 * Runs one metadata write, like the record mutations' `write()`: HubSpot refusing it (400/404/409) becomes
 * userErrors, a timeout or 5xx an UPSTREAM_ERROR userError saying the outcome is unknown (never retried),
 * anything else (credentials, scopes, rate limits) fails the request. `afterwards` runs whatever happened —
 * cache invalidation belongs there: even a failed or unconfirmed write may mean the cached view is stale.
 */
export async function metadataWrite<T>(run: () => Promise<T>, fields: RefusalFields, afterwards: () => Promise<void>): Promise<WriteResult<T>> {
  try {
    return { value: await run(), userErrors: [] };
  } catch (e) {
    if (isInputProblem(e)) {
      // The code and message are userErrors.ts's reading of HubSpot's answer; the field is the mutation's.
      return { value: null, userErrors: userErrorsOf(e, []).map((u) => ({ ...u, field: fieldFor(u.code, fields) })) };
    }
    if (isOutcomeUnknown(e)) return { value: null, userErrors: [outcomeUnknown(e, fields.invalid ?? [])] };
    throw e;
  } finally {
    await afterwards();
  }
}

/** A userError of the gateway's own input checks: the input is refused before any HubSpot call. */
export const invalid = (field: string[], message: string): UserError => ({ field, message, code: 'INVALID' });

/** The result of checking a mutation's input: what to send to HubSpot, or what is wrong with it. */
export type Checked<T> = { ok: true; value: T } | { ok: false; userErrors: UserError[] };

export const refused = (userErrors: UserError[]): Checked<never> => ({ ok: false, userErrors });
