import type { CrmEvent, EventBus } from '../../src/events/types';

/** An EventBus that keeps what is published, for tests of the webhook receiver. */
export class RecordingBus implements EventBus {
  readonly events: CrmEvent[] = [];
  publishes = 0;
  /** Makes publish fail (tests of the receiver's error handling). */
  failWith: Error | undefined;
  private readonly handlers = new Set<(event: CrmEvent) => void>();
  private waiters: Array<() => void> = [];

  async publish(events: CrmEvent[]): Promise<void> {
    this.publishes++;
    if (this.failWith) throw this.failWith;
    this.events.push(...events);
    for (const event of events) for (const handler of this.handlers) handler(event);
    for (const wake of this.waiters.splice(0)) wake();
  }

  subscribe(handler: (event: CrmEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }

  /** Resolves once at least `count` events were published; rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<CrmEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} events on the bus, got ${this.events.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.events;
  }
}
