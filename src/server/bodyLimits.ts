import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendError } from './httpErrors';

/**
 * What /graphql accepts before Apollo sees it: POST bodies are JSON (multipart uploads are read before this, by
 * upload.ts), anything else is 415; an operation's variables are at most MAX_VARIABLES_BYTES as JSON (413). The
 * body's own limit (MAX_BODY_BYTES) is express.json's. Every refusal is JSON with a code, like GraphQL errors.
 */

export function requireJson(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // Uploads arrive already parsed (req.body set by graphqlUploads).
    if (req.method !== 'POST' || req.body !== undefined) return next();
    if (!req.is('application/json')) {
      return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'POST /graphql takes Content-Type: application/json (or multipart/form-data for uploads).');
    }
    next();
  };
}

/** Deepest nesting of a variables value: far beyond any input type of the schema, well within the stack. */
export const MAX_VARIABLES_DEPTH = 64;

export function limitVariables(maxBytes: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // Uploads' variables hold files, limited by UPLOAD_MAX_FILE_BYTES instead.
    if (req.is('multipart/form-data')) return next();
    const operations: unknown[] = req.method === 'POST' ? (Array.isArray(req.body) ? req.body : [req.body]) : [{ variables: req.query.variables }];
    for (const op of operations) {
      const variables = op && typeof op === 'object' ? (op as { variables?: unknown }).variables : undefined;
      if (variables === undefined || variables === null) continue;
      const measured = measure(variables, maxBytes);
      if (measured === 'too deep') return sendError(res, 400, 'BAD_USER_INPUT', `The operation's variables are nested more than ${MAX_VARIABLES_DEPTH} levels deep.`);
      if (measured > maxBytes) return sendError(res, 413, 'BAD_USER_INPUT', `The operation's variables are over ${maxBytes} bytes as JSON (MAX_VARIABLES_BYTES).`);
    }
    next();
  };
}

/**
 * About the size of `value` as JSON, in bytes, walked without recursion (a deeply nested value would overflow
 * JSON.stringify's stack); stops counting past `limit`. 'too deep' beyond MAX_VARIABLES_DEPTH.
 */
function measure(value: unknown, limit: number): number | 'too deep' {
  let size = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length && size <= limit) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') size += Buffer.byteLength(v) + 2;
    else if (v === null || typeof v !== 'object') size += String(v).length;
    else {
      if (depth > MAX_VARIABLES_DEPTH) return 'too deep';
      size += 2;
      if (Array.isArray(v)) for (const item of v) (size += 1), stack.push([item, depth + 1]);
      else for (const [k, item] of Object.entries(v)) (size += Buffer.byteLength(k) + 4), stack.push([item, depth + 1]);
    }
  }
  return size;
}
