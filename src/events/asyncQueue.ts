/**
 * A bounded push-to-pull queue exposed as an async iterator: producers `push`, one consumer iterates.
 *
 * Written by hand rather than as an async generator on purpose: `return()` on an async generator that is
 * waiting inside (for the next event) only takes effect once that wait ends, so a subscription could not be
 * stopped until its next event arrived — and graphql-ws awaits `return()` when a client completes or its socket
 * closes. Here `return()` ends the iteration at once, answering a pending `next()` with `done`.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  /** How the iteration ends once the queued items are taken: done, or this error. */
  private ending: { error?: unknown } | undefined;
  private finished = false;

  /**
   * @param capacity most items held for a consumer that does not keep up; one more fails the queue with the
   *   error `overflow` makes (the consumer gets it after the items already queued).
   * @param onEnd runs once, as soon as the queue takes no more items (returned, ended or failed): e.g. unsubscribe.
   */
  constructor(
    private readonly capacity: number,
    private readonly overflow: () => Error,
    private readonly onEnd?: () => void,
  ) {}

  /** Items queued and not yet taken. */
  get size(): number {
    return this.items.length;
  }

  /** False once the queue takes no more items. */
  get open(): boolean {
    return !this.ending && !this.finished;
  }

  push(item: T): void {
    if (!this.open) return;
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      return resolve({ value: item, done: false });
    }
    if (this.items.length >= this.capacity) return this.fail(this.overflow());
    this.items.push(item);
  }

  /** Ends the iteration after the items already queued. */
  end(): void {
    this.close({});
  }

  /** Ends the iteration with `error`, after the items already queued. */
  fail(error: unknown): void {
    this.close({ error });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    if (this.ending) {
      this.finished = true;
      return 'error' in this.ending ? Promise.reject(this.ending.error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Stops at once: queued items are dropped and a pending `next()` answers `done`. */
  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.close({});
    this.finished = true;
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(how: { error?: unknown }): void {
    if (!this.open) return;
    this.ending = how;
    // Nothing is queued when a consumer waits: it gets the end now.
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) {
      this.finished = true;
      if ('error' in how) waiter.reject(how.error);
      else waiter.resolve({ value: undefined, done: true });
    }
    this.onEnd?.();
  }
}
