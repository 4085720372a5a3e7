import { randomUUID } from 'node:crypto';

/** What an incoming X-Request-Id may look like to be kept: a UUID, a trace id, a proxy's id — short and plain. */
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of one HTTP request: the caller's (or its proxy's) `X-Request-Id` when it is well-formed, so that logs
 * across services line up; otherwise a new UUID. A header that is too long or holds other characters is never
 * echoed or logged (it could forge log lines or response headers).
 */
export function requestIdOf(incoming: string | undefined): string {
  return incoming !== undefined && ACCEPTED.test(incoming) ? incoming : randomUUID();
}
