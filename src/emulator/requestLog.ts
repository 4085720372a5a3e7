/** One HubSpot route call as the emulator saw it; tests read these to count upstream calls. */
export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  status: number;
  /** Bytes of the response body. */
  bodySize: number;
  portalId?: number;
  /** The fault injected, if any. */
  fault?: string;
  /** The parsed JSON request body, kept so contract tests can validate what clients sent. */
  requestBody?: unknown;
}

/** A bounded in-memory log (oldest entries dropped first). */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;
  constructor(private readonly capacity: number) {}

  add(entry: Omit<LoggedRequest, 'seq' | 'at'>): void {
    this.entries.push({ seq: ++this.seq, at: new Date().toISOString(), ...entry });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Entries after `sinceSeq` (all by default). */
  list(sinceSeq = 0): LoggedRequest[] {
    return this.entries.filter((e) => e.seq > sinceSeq);
  }

  /** The sequence number of the newest entry, to count calls made after a point. */
  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
  }
}
