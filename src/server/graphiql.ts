import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { RequestHandler } from 'express';

const DEFAULT_QUERY = `# Welcome to the HubSpot GraphQL gateway.
# Press the play button (or Ctrl-Enter) to run the query.
query Account {
  account {
    portalId
    accountType
    timeZone
    companyCurrency
    apiUsage { name currentUsage usageLimit }
  }
}
`;

let page: string | undefined;

/**
 * GraphiQL on GET /graphql for browsers. The page is rendered by @graphql-yoga/render-graphiql, which inlines
 * GraphiQL's scripts and styles, so it works with no network (Apollo's landing page loads from a CDN). The page
 * is large (several MB), so it is rendered once and cached with an ETag.
 */
export function graphiqlHandler(endpoint = '/graphql'): RequestHandler {
  return (req, res, next) => {
    // Browsers prefer HTML; curl and GraphQL clients (`*/*`, JSON) and GET queries (`?query=`) go on to Apollo.
    if (req.method !== 'GET' || req.accepts(['json', 'html']) !== 'html' || req.query.query !== undefined) return next();
    page ??= renderGraphiQL({ endpoint, title: 'HubSpot GraphQL gateway', defaultQuery: DEFAULT_QUERY, isHeadersEditorEnabled: true });
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  };
}
