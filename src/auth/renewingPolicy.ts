import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallOutcome, CallPolicy, HubSpotCall } from '../hubspot/client';
import { HubSpotError } from '../hubspot/errors';
import type { RequestCredential } from './credentials';

/** The token each attempt sent, so that a 401 renews exactly the token HubSpot rejected. */
const sentToken = new AsyncLocalStorage<{ token?: string }>();

/**
 * Wraps a request's call policy (rate limit, retries): when HubSpot answers 401 to a token the credential can
 * renew (an OAuth access token, revoked or expired early), the token is renewed once and the call sent once
 * more. A 401 means HubSpot processed nothing, so this is safe for writes too. Calls that sent no portal token
 * (the developer APIs' hapikey) are never renewed.
 */
export class RenewingPolicy implements CallPolicy {
  constructor(
    private readonly inner: CallPolicy,
    private readonly credential: RequestCredential,
  ) {}

  /** The HubSpotClient's credential function: the credential's token, noted for the attempt that sends it. */
  readonly token = async (): Promise<string> => {
    const token = await this.credential.token();
    const slot = sentToken.getStore();
    if (slot) slot.token = token;
    return token;
  };

  async execute<T>(call: HubSpotCall, attempt: () => Promise<T>): Promise<T> {
    const slot: { token?: string } = {};
    const tracked = () => sentToken.run(slot, attempt);
    try {
      return await this.inner.execute(call, tracked);
    } catch (e) {
      const rejected = slot.token;
      if (!(e instanceof HubSpotError) || e.status !== 401 || rejected === undefined || !this.credential.renewAfterRejection) throw e;
      if (!(await this.credential.renewAfterRejection(rejected))) throw e;
      return this.inner.execute(call, tracked);
    }
  }

  observe(outcome: CallOutcome): void {
    this.inner.observe?.(outcome);
  }
}
