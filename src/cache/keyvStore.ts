import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';

/**
 * A keyv store: Redis when a URL is given (state shared by every gateway instance), else in-process memory.
 * Each use gets its own namespace; callers scope their keys by portal.
 */
export function createKeyv<T>(namespace: string, redisUrl?: string): Keyv<T> {
  if (!redisUrl) return new Keyv<T>({ namespace });
  const store = new KeyvRedis(redisUrl, { throwOnConnectError: false, throwOnErrors: false });
  return new Keyv<T>({ store, namespace, useKeyPrefix: false });
}
