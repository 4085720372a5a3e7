/**
 * What can go wrong with one HubSpot call, as one typed error: HubSpot's error body when there is one
 * (status, category, correlationId, message, context), or a transport failure (timeout, reset, bad JSON).
 * It never carries the request's URL, headers or token, so it is safe to log and to map to GraphQL errors.
 */
export type TransportFailure = 'TIMEOUT' | 'CONNECTION' | 'BAD_RESPONSE';

export interface HubSpotErrorDetail {
  message: string;
  in?: string;
  code?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
}

export class HubSpotError extends Error {
  override name = 'HubSpotError';
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** HubSpot's category (VALIDATION_ERROR, CONFLICT, RATE_LIMITS …), or the transport failure. */
  readonly category: string;
  readonly subCategory?: string;
  readonly correlationId?: string;
  readonly context?: Record<string, string[]>;
  readonly errors?: HubSpotErrorDetail[];
  /** Seconds from Retry-After, when HubSpot sent one. */
  readonly retryAfterSeconds?: number;
  /** HubSpot's rate-limit policy (TEN_SECONDLY_ROLLING, SECONDLY, DAILY) on 429s. */
  readonly policyName?: string;
  /** Set for failures where no usable response arrived. */
  readonly transport?: TransportFailure;
  /** The operation that failed, e.g. `POST /crm/v3/objects/{objectType}/batch/read` — a template, never the URL. */
  readonly operation: string;

  constructor(init: {
    status: number;
    category: string;
    message: string;
    operation: string;
    subCategory?: string;
    correlationId?: string;
    context?: Record<string, string[]>;
    errors?: HubSpotErrorDetail[];
    retryAfterSeconds?: number;
    policyName?: string;
    transport?: TransportFailure;
  }) {
    super(init.message);
    this.status = init.status;
    this.category = init.category;
    this.operation = init.operation;
    if (init.subCategory !== undefined) this.subCategory = init.subCategory;
    if (init.correlationId !== undefined) this.correlationId = init.correlationId;
    if (init.context !== undefined) this.context = init.context;
    if (init.errors !== undefined) this.errors = init.errors;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.policyName !== undefined) this.policyName = init.policyName;
    if (init.transport !== undefined) this.transport = init.transport;
  }

  /** Builds the error from a non-2xx answer; tolerates bodies that are not HubSpot's (HTML from a proxy, empty). */
  static fromResponse(operation: string, status: number, body: unknown, retryAfter?: string): HubSpotError {
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const seconds = retryAfter !== undefined && /^\d+(\.\d+)?$/.test(retryAfter) ? Number(retryAfter) : undefined;
    return new HubSpotError({
      status,
      operation,
      category: str(b.category) ?? (status === 429 ? 'RATE_LIMITS' : `HTTP_${status}`),
      message: str(b.message) ?? `HubSpot answered ${status}`,
      ...(str(b.subCategory) ? { subCategory: str(b.subCategory)! } : {}),
      ...(str(b.correlationId) ? { correlationId: str(b.correlationId)! } : {}),
      ...(b.context && typeof b.context === 'object' ? { context: b.context as Record<string, string[]> } : {}),
      ...(Array.isArray(b.errors) ? { errors: b.errors as HubSpotErrorDetail[] } : {}),
      ...(seconds !== undefined ? { retryAfterSeconds: seconds } : {}),
      ...(str(b.policyName) ? { policyName: str(b.policyName)! } : {}),
    });
  }

  static transportFailure(operation: string, transport: TransportFailure, message: string): HubSpotError {
    return new HubSpotError({ status: 0, category: transport, message, operation, transport });
  }
}
