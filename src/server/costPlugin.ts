import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';

/** Reports on every response how many HubSpot calls it took: `extensions.cost.upstreamCalls`. */
export function costReportPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...(result.extensions ?? {}), cost: { upstreamCalls: contextValue.cost.upstreamCalls } };
        },
      };
    },
  };
}
