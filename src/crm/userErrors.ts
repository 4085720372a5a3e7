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
  const values = echoedValues(e.message);
  if (e.category === 'CONFLICT' || status === 409) {
    return [{ field: uniqueProperty ? [...prefix, 'properties', uniqueProperty] : prefix, message: withoutValues(e.message, values), code: 'CONFLICT' }];
  }
  if (e.category === 'OBJECT_NOT_FOUND' || status === 404) return [{ field: [...prefix, 'id'], message: withoutValues(e.message, values), code: 'NOT_FOUND' }];
  const perProperty = (e.errors ?? []).filter((d) => d.context?.propertyName?.length);
  if (perProperty.length) {
    return perProperty.map((d) => ({
      field: [...prefix, 'properties', d.context!.propertyName![0]!],
      message: valueMessage(d.message, values),
      code: CODE_OF[d.code ?? ''] ?? 'INVALID',
    }));
  }
  return [{ field: prefix.length ? prefix : null, message: redactHubSpotMessage(e.message), code: 'INVALID' }];
}

/**
 * HubSpot's validation messages echo the refused value (`jane@ex ample.com is not a valid email`, `Property values
 * were not valid: [{…"propertyValue":"…"}]`): property values are personal data, and errors end up in clients'
 * logs and ours. They are replaced by VALUE_PLACEHOLDER; the property name and the reason stay.
 */
const VALUE_PLACEHOLDER = '<value>';
const INVALID_VALUES = /^Property values were not valid: (\[[\s\S]*\])\s*$/;
/** HubSpot's own phrasings with the value up front, for messages whose value is not listed anywhere else. */
const VALUE_FIRST = /^(?:Email address )?([\s\S]+?) (was not a valid|is not a valid|was not one of the allowed options|is invalid|includes leading or trailing whitespace)/;

interface ListedProblem {
  name?: unknown;
  error?: unknown;
  message?: unknown;
  propertyValue?: unknown;
}

function listedProblems(message: string): ListedProblem[] | undefined {
  const m = INVALID_VALUES.exec(message);
  if (!m) return undefined;
  try {
    const listed: unknown = JSON.parse(m[1]!);
    return Array.isArray(listed) ? (listed.filter((l) => l && typeof l === 'object') as ListedProblem[]) : [];
  } catch {
    return [];
  }
}

/** The values a `Property values were not valid: [...]` message lists. */
function echoedValues(message: string): string[] {
  return (listedProblems(message) ?? []).map((l) => l.propertyValue).filter((v): v is string => typeof v === 'string' && v !== '');
}

function withoutValues(text: string, values: string[]): string {
  let out = text;
  for (const v of [...values].sort((a, b) => b.length - a.length)) out = out.split(v).join(VALUE_PLACEHOLDER);
  return out;
}

/** A message about one property's value: the value goes even where HubSpot's list does not name it. */
const valueMessage = (text: string, values: string[]): string =>
  withoutValues(text, values).replace(VALUE_FIRST, (whole, value: string) => whole.replace(value, VALUE_PLACEHOLDER));

/** A HubSpot error message without the property values it echoes (see VALUE_PLACEHOLDER). */
export function redactHubSpotMessage(message: string): string {
  const listed = listedProblems(message);
  if (!listed) return withoutValues(message, []);
  const values = echoedValues(message);
  const each = listed.map((l) => `${typeof l.name === 'string' ? l.name : '?'}: ${typeof l.message === 'string' ? valueMessage(l.message, values) : 'invalid'}${typeof l.error === 'string' ? ` (${l.error})` : ''}`);
  return `Property values were not valid: ${each.join('; ') || 'see userErrors'}`;
}

/** A write whose outcome is unknown: say so plainly, so the client checks before trying again. */
export function outcomeUnknown(e: HubSpotError, prefix: string[]): UserError {
  return {
    field: prefix.length ? prefix : null,
    message: `HubSpot did not confirm the write (${e.transport ? e.message : `status ${e.status}`}); it may or may not have been applied. Check before retrying.`,
    code: 'UPSTREAM_ERROR',
  };
}
