import type { ApolloServerPlugin } from '@apollo/server';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { GatewayContext, RequestCost } from '../context';
import type { CallOutcome, HubSpotCall } from '../hubspot/client';

export interface TracingConfig {
  /** Where spans go: an OTLP/HTTP collector, stdout, or nowhere (tracing off: no provider, no spans). Default off, otlp when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  exporter: 'otlp' | 'console' | 'off';
  /** The collector's base URL (spans are POSTed to <endpoint>/v1/traces). */
  endpoint?: string;
  /** service.name of the spans. Default hubspot-graphql. */
  serviceName: string;
}

const propagator = new W3CTraceContextPropagator();
/** Reads an incoming `traceparent`/`tracestate` from Apollo's HeaderMap, so the operation joins the caller's trace. */
const headerGetter = {
  keys: (carrier: Map<string, string>) => [...carrier.keys()],
  get: (carrier: Map<string, string>, key: string) => carrier.get(key),
};

/**
 * OpenTelemetry spans of the gateway: one `graphql.operation` span per GraphQL request (its name, type and error
 * codes), with a child span per HubSpot HTTP call (method, path template, status, attempt). The spans are parented
 * explicitly (the request's RequestCost is the link between Apollo's hooks and the request's HubSpot client), so no
 * global provider or context manager is installed and a gateway without tracing pays nothing: `createTracing`
 * then returns undefined and no hook is added.
 */
export class GatewayTracing {
  private readonly tracer: Tracer;
  private readonly operations = new WeakMap<RequestCost, Span>();
  /** Retries so far per call object (the policy re-sends the same HubSpotCall), to number its attempts. */
  private readonly retries = new WeakMap<HubSpotCall, number>();

  constructor(private readonly provider: BasicTracerProvider) {
    this.tracer = provider.getTracer('hubspot-graphql');
  }

  /** Starts and ends the `graphql.operation` span of every request; the request's HubSpot calls become its children. */
  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async ({ request, contextValue }) => {
        const parent: Context = request.http ? propagator.extract(ROOT_CONTEXT, request.http.headers, headerGetter) : ROOT_CONTEXT;
        const span = this.tracer.startSpan('graphql.operation', { kind: SpanKind.SERVER }, parent);
        if (contextValue?.cost) this.operations.set(contextValue.cost, span);
        return {
          didResolveOperation: async ({ operation, operationName }) => {
            if (operation) span.setAttribute('graphql.operation.type', operation.operation);
            if (operationName) span.setAttribute('graphql.operation.name', operationName.slice(0, 100));
          },
          willSendResponse: async ({ response, contextValue: ctx }) => {
            const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
            if (errors.length) {
              const codes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL')))];
              span.setAttribute('graphql.errors.count', errors.length);
              span.setAttribute('graphql.errors.codes', codes);
              span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(',') });
            }
            if (ctx?.cost) span.setAttribute('hubspot.calls', ctx.cost.upstreamCalls);
            span.end();
          },
        };
      },
    };
  }

  /** One HubSpot HTTP exchange of the request that owns `cost`, as a finished child span of its operation span. */
  upstreamCall(cost: RequestCost | undefined, outcome: CallOutcome): void {
    const parent = cost ? this.operations.get(cost) : undefined;
    const { call, status, durationMs, error } = outcome;
    const retriesBefore = this.retries.get(call) ?? 0;
    const span = this.tracer.startSpan(
      `HubSpot ${call.method} ${call.operation}`,
      {
        kind: SpanKind.CLIENT,
        startTime: Date.now() - durationMs,
        attributes: {
          'http.request.method': call.method,
          'url.template': call.operation,
          'hubspot.operation': `${call.method} ${call.operation}`,
          'http.response.status_code': status,
          'hubspot.attempt': retriesBefore + 1,
          'hubspot.retry': retriesBefore > 0,
        },
      },
      parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
    );
    if (error) {
      span.setAttribute('error.type', error.transport ?? String(status));
      span.setStatus({ code: SpanStatusCode.ERROR, message: `HubSpot answered ${status}` });
    }
    span.end();
  }

  /** The retry policy's onRetry: the next attempt of `call` is a retry. */
  retry(call: HubSpotCall): void {
    this.retries.set(call, (this.retries.get(call) ?? 0) + 1);
  }

  /** Sends the spans still buffered, then stops. */
  shutdown(): Promise<void> {
    return this.provider.shutdown().catch(() => undefined);
  }
}

/**
 * The tracing of a gateway, or undefined when it is off. `exporter` replaces the configured one (tests pass an
 * InMemorySpanExporter); it is flushed span by span, the network exporters in batches.
 */
export function createTracing(config: TracingConfig, exporter?: SpanExporter): GatewayTracing | undefined {
  if (!exporter && config.exporter === 'off') return undefined;
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : config.exporter === 'console'
      ? new SimpleSpanProcessor(new ConsoleSpanExporter())
      : new BatchSpanProcessor(new OTLPTraceExporter(config.endpoint ? { url: `${config.endpoint.replace(/\/+$/, '')}/v1/traces` } : {}));
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': config.serviceName }), spanProcessors: [processor] });
  return new GatewayTracing(provider);
}
