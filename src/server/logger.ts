import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config';

/**
 * JSON logs (pino). Credentials never reach them: authorization headers, tokens, secrets and passwords are
 * replaced wherever they appear in a logged object.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["private-app"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["private-app"]',
  'authorization',
  'token',
  'accessToken',
  'refreshToken',
  'hubspotToken',
  'clientSecret',
  'password',
  '*.authorization',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.hubspotToken',
  '*.clientSecret',
  '*.password',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'hubspot-graphql' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
