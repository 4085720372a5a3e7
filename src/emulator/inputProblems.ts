import type { Request } from 'express';
import { validationError } from './errors';

type Detail = { message: string; in?: string; code?: string };
export type JsonObject = Record<string, unknown>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Collects everything wrong with one request body so that a single 400 names every problem, field by field,
 * in HubSpot's `errors` array — rather than making a client fix its input one round trip at a time.
 */
export class InputProblems {
  private readonly details: Detail[] = [];

  add(field: string | undefined, message: string, code = 'INVALID_INPUT'): void {
    this.details.push({ message, ...(field !== undefined ? { in: field } : {}), code });
  }

  get count(): number {
    return this.details.length;
  }

  /** Throws HubSpot's 400 VALIDATION_ERROR when anything was collected; the message lists every problem. */
  throwIfAny(summary: string): void {
    if (this.details.length === 0) return;
    throw validationError(`${summary}: ${this.details.map((d) => d.message).join('; ')}`, { errors: [...this.details] });
  }
}

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON body as an object; anything else (none, an array, a scalar) is HubSpot's 400. */
export function bodyObject(req: Request): JsonObject {
  if (!isJsonObject(req.body)) throw validationError('Invalid input JSON: the request body must be a JSON object');
  return req.body;
}

/** A string field; `required` also refuses an empty or blank string. */
export function readString(body: JsonObject, key: string, problems: InputProblems, opts: { required?: boolean; at?: string } = {}): string | undefined {
  const where = opts.at ?? key;
  const v = body[key];
  if (v === undefined || v === null) {
    if (opts.required) problems.add(where, `${where} is required`, 'REQUIRED_FIELD');
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.add(where, `${where} must be a string`, 'INVALID_TYPE');
    return undefined;
  }
  if (opts.required && v.trim() === '') {
    problems.add(where, `${where} must not be empty`, 'REQUIRED_FIELD');
    return undefined;
  }
  return v;
}

/** A 32-bit integer field, as the specs declare every `displayOrder`. */
export function readInt(body: JsonObject, key: string, problems: InputProblems, opts: { required?: boolean; at?: string } = {}): number | undefined {
  const where = opts.at ?? key;
  const v = body[key];
  if (v === undefined || v === null) {
    if (opts.required) problems.add(where, `${where} is required`, 'REQUIRED_FIELD');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    problems.add(where, `${where} must be a 32-bit integer`, 'INVALID_TYPE');
    return undefined;
  }
  return v;
}

export function readBool(body: JsonObject, key: string, problems: InputProblems, opts: { required?: boolean; at?: string } = {}): boolean | undefined {
  const where = opts.at ?? key;
  const v = body[key];
  if (v === undefined || v === null) {
    if (opts.required) problems.add(where, `${where} is required`, 'REQUIRED_FIELD');
    return undefined;
  }
  if (typeof v !== 'boolean') {
    problems.add(where, `${where} must be a boolean`, 'INVALID_TYPE');
    return undefined;
  }
  return v;
}

/** An enum field: one of `allowed`, or a problem naming them. */
export function readEnum<T extends string>(
  body: JsonObject,
  key: string,
  allowed: readonly T[],
  problems: InputProblems,
  opts: { required?: boolean; at?: string } = {},
): T | undefined {
  const where = opts.at ?? key;
  const v = readString(body, key, problems, opts);
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) {
    problems.add(where, `${where} must be one of ${allowed.join(', ')} (got '${v}')`, 'INVALID_ENUM');
    return undefined;
  }
  return v as T;
}
