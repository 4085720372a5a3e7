import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { RequestHandler } from 'express';

const DEFAULT_QUERY = `# Contacts, their companies, and those companies' deals with stage names:
# one request, and as few HubSpot calls as HubSpot allows (see extensions.cost).
# Press the play button (or Ctrl-Enter) to run it.
query ContactsCompaniesDeals {
  account { portalId timeZone }
  contacts(first: 5) {
    nodes {
      firstname
      lastname
      email
      owner { firstName lastName }
      companies(first: 2) {
        edges {
          primary
          node {
            name
            domain
            deals(first: 3) {
              nodes { dealname amount closedate stage { label probability } }
            }
          }
        }
      }
    }
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
    // Browsers navigating here prefer HTML (a `?query=` then prefills the editor); curl and GraphQL clients
    // (`*/*`, JSON) go on to Apollo, GET queries included.
    if (req.method !== 'GET' || req.accepts(['json', 'html']) !== 'html') return next();
    // Subscriptions go over graphql-ws on the same path (src/server/subscriptions.ts).
    page ??= renderGraphiQL({ endpoint, title: 'HubSpot GraphQL gateway', defaultQuery: DEFAULT_QUERY, isHeadersEditorEnabled: true, subscriptionsProtocol: 'WS' });
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  };
}
