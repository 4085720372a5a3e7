import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { CallOutcome, HubSpotCall } from '../hubspot/client';

/** Prefix of every metric the gateway exports. */
const PREFIX = 'hubspot_graphql_';
/** Distinct client-chosen operation names kept as labels; later ones are counted under `other` (names are unbounded). */
const MAX_OPERATION_NAMES = 100;
/** What a GraphQL operation name or error code may look like to become a label. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
/** Histogram buckets (seconds) of upstream calls (~10 ms to a few s) and GraphQL operations (up to the 30 s deadline). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * prom-client's default process metrics (CPU, memory, event-loop lag, GC) describe the process, not a gateway, and
 * their monitors (an event-loop delay histogram, a GC observer) cannot be stopped: they are collected once per
 * process, into this registry, and every gateway's scrape includes it.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: PREFIX });
  }
  return processRegistry;
}

/**
 * The gateway's Prometheus metrics (GET /metrics, METRICS=true). One Registry per gateway, not prom-client's global
 * one, so that two gateways in one process (tests, benchmarks) count apart; the process metrics are shared. Upstream labels are HubSpot's path
 * templates (`POST /crm/v3/objects/{objectType}/batch/read`), never concrete URLs, so their number is bounded.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly upstreamCalls = new Counter({
    name: `${PREFIX}upstream_calls_total`,
    help: 'HubSpot HTTP calls by operation (method and path template) and status (0 = no answer: timeout, reset).',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  private readonly upstreamDuration = new Histogram({
    name: `${PREFIX}upstream_duration_seconds`,
    help: 'Duration of HubSpot HTTP calls (one attempt each) by operation.',
    labelNames: ['operation'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: `${PREFIX}upstream_retries_total`,
    help: 'HubSpot calls sent again after a retryable failure (429, or 5xx/timeout/reset of an idempotent call), by operation.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: `${PREFIX}upstream_rate_limited_total`,
    help: "HubSpot 429 answers (its rate limit was hit despite the gateway's own limiter), by operation.",
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  private readonly cacheRequests = new Counter({
    name: `${PREFIX}cache_requests_total`,
    help: 'Cache lookups by cache and result (hit or miss).',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });
  private readonly operationDuration = new Histogram({
    name: `${PREFIX}graphql_operation_duration_seconds`,
    help: `GraphQL operations over HTTP, from request to response, by type and name (the first ${MAX_OPERATION_NAMES} distinct names; then "other").`,
    labelNames: ['operation_type', 'operation_name'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: `${PREFIX}graphql_errors_total`,
    help: 'Errors in GraphQL responses, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private readonly names = new Set<string>();
  private readonly process = processMetrics();

  /** One HTTP exchange with HubSpot (the client's onCall). */
  upstreamCall(outcome: CallOutcome): void {
    const operation = operationLabel(outcome.call);
    this.upstreamCalls.inc({ operation, status: String(outcome.status) });
    this.upstreamDuration.observe({ operation }, outcome.durationMs / 1000);
    if (outcome.status === 429) this.rateLimited.inc({ operation });
  }

  /** A call about to be sent again (the retry policy's onRetry). */
  upstreamRetry(call: HubSpotCall): void {
    this.retries.inc({ operation: operationLabel(call) });
  }

  /** One cache lookup. */
  cacheLookup(cache: string, hit: boolean): void {
    this.cacheRequests.inc({ cache, result: hit ? 'hit' : 'miss' });
  }

  /** The text Prometheus scrapes, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    const [own, process] = await Promise.all([this.registry.metrics(), this.process.metrics()]);
    return { contentType: this.registry.contentType, body: own + process };
  }

  /** Drops this gateway's metrics (the gateway stopped); the shared process metrics stay. */
  close(): void {
    this.registry.clear();
  }

  /** Times every GraphQL operation and counts the errors of its response by code. */
  plugin(): ApolloServerPlugin {
    return {
      requestDidStart: async ({ request }) => {
        const started = performance.now();
        return {
          willSendResponse: async ({ operation, response }) => {
            const type = operation?.operation ?? 'unknown';
            this.operationDuration.observe({ operation_type: type, operation_name: this.nameLabel(request.operationName ?? operation?.name?.value) }, (performance.now() - started) / 1000);
            if (response.body.kind !== 'single') return;
            for (const e of response.body.singleResult.errors ?? []) {
              const code = e.extensions?.code;
              this.errors.inc({ code: typeof code === 'string' && CODE.test(code) ? code : 'OTHER' });
            }
          },
        };
      },
    };
  }

  /** Client-chosen names are unbounded: only well-formed ones, and only the first MAX_OPERATION_NAMES, become labels. */
  private nameLabel(name: string | undefined | null): string {
    if (!name) return 'anonymous';
    if (!NAME.test(name)) return 'other';
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_NAMES) return 'other';
    this.names.add(name);
    return name;
  }
}

const operationLabel = (call: HubSpotCall) => `${call.method} ${call.operation}`;
