import type { Response } from 'express';

/**
 * What the middlewares that watch the object routes share (webhook events, the audit log): how they recognise an
 * object route and how they hear its answer, so that the record routes stay as they are.
 */

/** `/crm/v3/objects/{objectType}[/{second}[/{third}]]`; Express routes case-insensitively, and so does this. */
export const OBJECT_PATH = /^\/crm\/v3\/objects\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?\/?$/i;

/** A path segment decoded, or undefined when it is not valid percent-encoding (the route then answers 4xx). */
export const decoded = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** Calls `done` once when the route answers (before the answer is sent, so a lost response still counts). */
export function onAnswer(res: Response, done: (answer: unknown) => void): void {
  let answered = false;
  const once = (answer: unknown) => {
    if (answered) return;
    answered = true;
    done(answer);
  };
  const json = res.json.bind(res);
  res.json = ((body: unknown) => (once(body), json(body))) as Response['json'];
  const end = res.end.bind(res);
  res.end = ((...args: unknown[]) => (once(undefined), (end as (...a: unknown[]) => Response)(...args))) as Response['end'];
}
