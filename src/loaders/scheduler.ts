/**
 * When the batches of one request's loaders are sent. Internal.
 *
 * DataLoader alone sends whatever was loaded in one tick. Loads of one query level are not all made in one
 * tick: each upstream answer wakes its own resolvers, so `contact { companies }` next to `deal { companies }`
 * would read the same companies in two batch reads, one per association answer. The loaders of a request
 * therefore share one scheduler, which holds loads caused by an answer until the other reads of that answer's
 * round have been answered too, then sends them together: one batch per loader and level, whatever order the
 * answers came in.
 *
 * Rounds: every read is tagged with the round it started in; sending the pending batches starts a new round.
 * Pending loads wait for every read in flight of the rounds before the current one, and of the round of the
 * latest answer (a list and a lookup side by side start in the same round; the lookup does not wait for the
 * list, but what the list's answer causes waits for the lookup's answer).
 */
export class BatchScheduler {
  private pending: Array<() => void> = [];
  /** Reads in flight, counted by the round they started in. */
  private readonly inflight = new Map<number, number>();
  private round = 0;
  /** The latest round of the reads answered since the pending batches were last sent (-1: none). */
  private answered = -1;
  private checking = false;

  /** DataLoader's `batchScheduleFn`: `dispatch` sends one loader's batch. */
  readonly schedule = (dispatch: () => void): void => {
    this.pending.push(dispatch);
    this.check();
  };

  /**
   * Runs an upstream read as part of the current round. Loaders run their batch calls through it; resolvers
   * run reads made outside the loaders (lists, lookups by unique property) through it.
   */
  async track<T>(read: () => Promise<T>): Promise<T> {
    const round = this.round;
    this.inflight.set(round, (this.inflight.get(round) ?? 0) + 1);
    try {
      return await read();
    } finally {
      const left = this.inflight.get(round)! - 1;
      if (left > 0) this.inflight.set(round, left);
      else this.inflight.delete(round);
      this.answered = Math.max(this.answered, round);
      this.check();
    }
  }

  /** Sends the pending batches once the microtasks now queued have run and no read they must wait for is in flight. */
  private check(): void {
    if (this.checking) return;
    this.checking = true;
    // Like DataLoader's own scheduling: after the promise jobs queued now (answers reaching resolvers).
    void Promise.resolve().then(() =>
      process.nextTick(() => {
        this.checking = false;
        if (this.pending.length === 0) return;
        const waitFor = Math.max(this.answered, this.round - 1);
        for (const round of this.inflight.keys()) if (round <= waitFor) return;
        const dispatches = this.pending;
        this.pending = [];
        for (const dispatch of dispatches) dispatch();
        this.round++;
        this.answered = -1;
      }),
    );
  }
}
