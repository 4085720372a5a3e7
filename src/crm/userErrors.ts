import { HubSpotError } from '../hubspot/errors';

export type UserErrorCode = 'INVALID' | 'UNKNOWN_PROPERTY' | 'READ_ONLY' | 'NOT_FOUND' | 'CONFLICT' | 'UPSTREAM_ERROR';

export interface UserError {
  field: string[] | null;
  message: string;
  code: UserErrorCode;
}

const CODE_OF: Record<string, UserErrorCode> = {
  PROPERTY_DOESNT_EXIST: 'UNKNOWN_PROPERTY',
  READ_ONLY_VALUE: 'READ_ONLY',
};

/**
 * Whether a failed write can be told to the client as userErrors (HubSpot refused this input: 400, 404, 409)
 * or ends the request (credentials, scopes, rate limits), or left HubSpot's state unknown (timeouts, 5xx).
 */
export function isInputProblem(e: unknown): e is HubSpotError {
  return e instanceof HubSpotError && [400, 404, 409, 413, 414, 422].includes(e.status);
}

export function isOutcomeUnknown(e: unknown): e is HubSpotError {
  return e instanceof HubSpotError && (e.transport !== undefined || e.status >= 500);
}

interface RefusalLike {
  category: string;
  message: string;
  status?: number | string;
  errors?: Array<{ message: string; code?: string; context?: Record<string, string[]> }>;
}

/** HubSpot's refusal of one input (a whole-call error, or a 207 item error), as userErrors pointing into it. */
export function userErrorsOf(e: RefusalLike, prefix: string[], uniqueProperty?: string): UserError[] {
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (e.category === 'CONFLICT' || status === 409) {
    return [{ field: uniqueProperty ? [...prefix, 'properties', uniqueProperty] : prefix, message: e.message, code: 'CONFLICT' }];
  }
  if (e.category === 'OBJECT_NOT_FOUND' || status === 404) return [{ field: [...prefix, 'id'], message: e.message, code: 'NOT_FOUND' }];
  const perProperty = (e.errors ?? []).filter((d) => d.context?.propertyName?.length);
  if (perProperty.length) {
    return perProperty.map((d) => ({
      field: [...prefix, 'properties', d.context!.propertyName![0]!],
      message: d.message,
      code: CODE_OF[d.code ?? ''] ?? 'INVALID',
    }));
  }
  return [{ field: prefix.length ? prefix : null, message: e.message, code: 'INVALID' }];
}

/** A write whose outcome is unknown: say so plainly, so the client checks before trying again. */
export function outcomeUnknown(e: HubSpotError, prefix: string[]): UserError {
  return {
    field: prefix.length ? prefix : null,
    message: `HubSpot did not confirm the write (${e.transport ? e.message : `status ${e.status}`}); it may or may not have been applied. Check before retrying.`,
    code: 'UPSTREAM_ERROR',
  };
}
