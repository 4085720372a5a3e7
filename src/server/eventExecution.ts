import { createSourceEventStream, execute, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { AsyncQueue } from '../events/asyncQueue';
import { STREAM_CAPACITY } from '../events/bus';

/**
 * Runs a GraphQL subscription like graphql-js's `subscribe`, with two differences:
 * - each event is executed with a context made for it (`eventContext`: new loaders, a new metadata memo and a
 *   new deadline), so its fields read HubSpot's current state, not what an earlier event read;
 * - events that arrive in the same tick share one such context and are executed together, so their record reads
 *   are batched (two contacts created in one webhook delivery: one batch read).
 * Results come out in event order. `onEnd` runs once when the subscription ends for any reason (the client
 * completes, its socket closes, the source ends or fails).
 */
export async function subscribeWithEventContexts(
  args: ExecutionArgs,
  eventContext: () => Promise<unknown>,
  onEnd: () => void,
): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>> {
  let source: Awaited<ReturnType<typeof createSourceEventStream>>;
  try {
    source = await createSourceEventStream(args);
  } catch (e) {
    onEnd();
    throw e;
  }
  if (!isAsyncIterable(source)) {
    onEnd(); // the subscribe resolver failed: an ExecutionResult with its errors
    return source;
  }
  const events = source[Symbol.asyncIterator]();
  const tooSlow = () =>
    new GraphQLError(`More than ${STREAM_CAPACITY} events are waiting to be sent to this subscriber: the subscription was ended, subscribe again.`, { extensions: { code: 'RATE_LIMITED' } });
  const results = new AsyncQueue<Promise<ExecutionResult>>(STREAM_CAPACITY, tooSlow, () => {
    void events.return?.();
    onEnd();
  });

  let tickContext: Promise<unknown> | undefined;
  const contextForTick = () => {
    if (!tickContext) {
      tickContext = eventContext();
      // A rejection is reported through each event's result; this keeps an unused one from counting as unhandled.
      tickContext.catch(() => undefined);
      setImmediate(() => (tickContext = undefined));
    }
    return tickContext;
  };

  void (async () => {
    try {
      while (results.open) {
        const next = await events.next();
        if (next.done) return results.end();
        const result = contextForTick().then((contextValue) => execute({ ...args, rootValue: next.value, contextValue }));
        result.catch(() => undefined); // reported to the consumer in turn
        results.push(result);
      }
    } catch (e) {
      results.fail(e);
    }
  })();

  let stopped = false;
  const done: IteratorResult<ExecutionResult> = { value: undefined, done: true };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (stopped) return done;
      try {
        const next = await results.next();
        if (next.done) return next;
        const value = await next.value;
        // Returned meanwhile: the result is for a subscription that no longer exists.
        return stopped ? done : { value, done: false };
      } catch (e) {
        // The subscription cannot go on (a subscriber too far behind, a source that failed): its last result says
        // why, with the error's code — graphql-ws would turn a thrown error into an uncoded one.
        stopped = true;
        void results.return();
        return { value: { errors: [e instanceof GraphQLError ? e : new GraphQLError(e instanceof Error ? e.message : String(e), { originalError: e instanceof Error ? e : undefined })] }, done: false };
      }
    },
    return() {
      stopped = true;
      return results.return() as Promise<IteratorResult<ExecutionResult>>;
    },
    throw(error?: unknown) {
      stopped = true;
      return results.throw(error) as Promise<IteratorResult<ExecutionResult>>;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
