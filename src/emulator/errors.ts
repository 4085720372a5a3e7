import { randomUUID } from 'node:crypto';

/**
 * An error the emulator answers with HubSpot's error body (crm-objects-v3 `Error`):
 * `{status:"error", message, correlationId, category, subCategory?, context?, errors?}`.
 * Route handlers throw it; the app's error handler renders it.
 */
export class HubSpotHttpError extends Error {
  constructor(
    readonly status: number,
    readonly category: string,
    message: string,
    readonly extra: {
      subCategory?: string;
      context?: Record<string, string[]>;
      errors?: Array<{ message: string; in?: string; code?: string; context?: Record<string, string[]> }>;
      headers?: Record<string, string>;
      body?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return {
      status: 'error',
      message: this.message,
      correlationId: randomUUID(),
      category: this.category,
      ...(this.extra.subCategory ? { subCategory: this.extra.subCategory } : {}),
      ...(this.extra.context ? { context: this.extra.context } : {}),
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
      ...(this.extra.body ?? {}),
    };
  }
}

export const validationError = (message: string, extra: HubSpotHttpError['extra'] = {}) =>
  new HubSpotHttpError(400, 'VALIDATION_ERROR', message, extra);

export const notFound = (message = 'resource not found') => new HubSpotHttpError(404, 'OBJECT_NOT_FOUND', message);

export const conflict = (message: string, extra: HubSpotHttpError['extra'] = {}) =>
  new HubSpotHttpError(409, 'CONFLICT', message, extra);

/** StandardError, the per-item error of 207 batch responses (crm-objects-v3 `StandardError`). */
export interface StandardError {
  status: string;
  category: string;
  subCategory?: unknown;
  message: string;
  context: Record<string, string[]>;
  links: Record<string, string>;
  errors: Array<{ message: string; in?: string; code?: string }>;
  id?: string;
}

export function standardError(e: HubSpotHttpError, context: Record<string, string[]> = {}): StandardError {
  return {
    status: 'error',
    category: e.category,
    // (subCategory is left out: HubSpot sends a string there, but the spec types StandardError.subCategory as an object)
    message: e.message,
    context: { ...(e.extra.context ?? {}), ...context },
    links: {},
    errors: e.extra.errors ?? [],
  };
}
