import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { loadConfig } from '../../src/config';
import type { CallOutcome } from '../../src/hubspot/client';
import { Transport } from '../../src/hubspot/transport';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createLogger } from '../../src/server/logger';
import { startEmulator, TOKEN, type TestEmulator } from '../helpers/emulator';

/**
 * OpenTelemetry (src/server/tracing.ts) with an in-memory exporter: each GraphQL operation is a `graphql.operation`
 * span, and each of its HubSpot calls a child span carrying the call's method, path template, status and attempt.
 */
describe('tracing', () => {
  let emulator: TestEmulator;
  let gateway: Gateway;
  let transport: Transport;
  let url: string;
  const spans = new InMemorySpanExporter();
  const calls: CallOutcome[] = [];

  beforeAll(async () => {
    emulator = await startEmulator();
    const config = { ...loadConfig({ LOG_LEVEL: 'silent', PORTAL_SCHEMA: 'false', RETRY_MAX_ATTEMPTS: '3', RETRY_BASE_DELAY_MS: '1', RETRY_MAX_DELAY_MS: '5' }), hubspotBaseUrl: emulator.url };
    transport = new Transport({ baseUrl: emulator.url, connections: 4, timeoutMs: 10_000 });
    gateway = await createGateway({ config, logger: createLogger('silent'), transport, credential: () => TOKEN, spanExporter: spans, onUpstreamCall: (o) => calls.push(o) });
    ({ url } = await gateway.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    await gateway.stop();
    await transport.close();
    await emulator.close();
  });
  beforeEach(() => spans.reset());

  const post = (query: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) }).then((r) => r.json());
  const operationSpans = () => spans.getFinishedSpans().filter((s) => s.name === 'graphql.operation');
  const childrenOf = (parent: ReadableSpan) => spans.getFinishedSpans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

  test('an operation span with one child span per upstream call, in the same trace', async () => {
    const before = calls.length;
    const body = await post('query Deep { contacts(first: 3) { nodes { email companies(first: 2) { nodes { name } } } } }');
    expect(body.errors).toBeUndefined();
    const made = calls.slice(before);
    const [op] = operationSpans();
    expect(operationSpans()).toHaveLength(1);
    expect(op!.kind).toBe(SpanKind.SERVER);
    expect(op!.attributes['graphql.operation.type']).toBe('query');
    expect(op!.attributes['graphql.operation.name']).toBe('Deep');
    expect(op!.attributes['hubspot.calls']).toBe(made.length);
    expect(op!.status.code).not.toBe(SpanStatusCode.ERROR);
    const children = childrenOf(op!);
    expect(children.map((s) => s.attributes['hubspot.operation']).sort()).toEqual(made.map((o) => `${o.call.method} ${o.call.operation}`).sort());
    for (const child of children) {
      expect(child.kind).toBe(SpanKind.CLIENT);
      expect(child.spanContext().traceId).toBe(op!.spanContext().traceId);
      expect(child.attributes['http.response.status_code']).toBe(200);
      expect(child.attributes['hubspot.attempt']).toBe(1);
    }
  });

  test("joins the caller's trace from a traceparent header", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await post('{ __typename }', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const [op] = operationSpans();
    expect(op!.spanContext().traceId).toBe(traceId);
    expect(op!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  test('a retried call shows each attempt; a failed operation has an error status with its codes', async () => {
    await emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: '429', rate: 1, route: '^/crm/v3/objects/tickets$', method: 'GET' }] });
    try {
      const body = await post('{ tickets(first: 1) { nodes { subject } } }');
      expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
    } finally {
      await emulator.api('PUT', '/__emulator/faults', { faults: [] });
    }
    const [op] = operationSpans();
    expect(op!.status.code).toBe(SpanStatusCode.ERROR);
    expect(op!.attributes['graphql.errors.codes']).toEqual(['RATE_LIMITED']);
    const attempts = childrenOf(op!).filter((s) => s.attributes['url.template'] === '/crm/v3/objects/{objectType}');
    // RETRY_MAX_ATTEMPTS=3 here: every attempt answered 429.
    expect(attempts.map((s) => [s.attributes['hubspot.attempt'], s.attributes['hubspot.retry'], s.attributes['http.response.status_code']])).toEqual([
      [1, false, 429], [2, true, 429], [3, true, 429],
    ]);
    expect(attempts.every((s) => s.status.code === SpanStatusCode.ERROR)).toBe(true);
  });
});

describe('tracing off (the default)', () => {
  test('no exporter configured: the config says off', () => {
    expect(loadConfig({}).tracing.exporter).toBe('off');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toEqual({ exporter: 'otlp', endpoint: 'http://127.0.0.1:4318', serviceName: 'hubspot-graphql' });
    expect(() => loadConfig({ OTEL_TRACES: 'zipkin' })).toThrow(/OTEL_TRACES/);
  });
});
