import { GatewayMetrics } from '../../../src/server/metrics';

describe('GatewayMetrics', () => {
  test("the process metrics' monitors start once per process, however many gateways come and go; every scrape has them", async () => {
    // prom-client's own require of perf_hooks: the event-loop monitor it starts with the default metrics.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const monitors = jest.spyOn(require('perf_hooks') as typeof import('node:perf_hooks'), 'monitorEventLoopDelay');
    try {
      const scrapes: string[] = [];
      for (let i = 0; i < 3; i++) {
        const metrics = new GatewayMetrics();
        metrics.cacheLookup('metadata', true);
        scrapes.push((await metrics.scrape()).body);
        metrics.close();
      }
      expect(monitors).toHaveBeenCalledTimes(1);
      for (const body of scrapes) {
        expect(body).toMatch(/^hubspot_graphql_process_cpu_user_seconds_total /m);
        expect(body).toMatch(/^hubspot_graphql_nodejs_eventloop_lag_seconds /m);
        // Each gateway counts apart.
        expect(body).toMatch(/^hubspot_graphql_cache_requests_total\{cache="metadata",result="hit"\} 1$/m);
      }
    } finally {
      monitors.mockRestore();
    }
  });

  test('a stopped gateway drops its own metrics', async () => {
    const metrics = new GatewayMetrics();
    metrics.cacheLookup('metadata', false);
    metrics.close();
    const { body } = await metrics.scrape();
    expect(body).not.toContain('hubspot_graphql_cache_requests_total');
    expect(body).toContain('hubspot_graphql_process_cpu_user_seconds_total');
  });
});
