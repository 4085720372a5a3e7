import type { Response } from 'express';

/**
 * Every refusal the gateway answers itself (before or besides Apollo) has the shape of a GraphQL error response,
 * `{"errors":[{"message","extensions":{"code"}}]}`, so clients handle one format.
 */
export function sendError(res: Response, status: number, code: string, message: string, headers?: Record<string, string>): void {
  if (headers) res.set(headers);
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
