/**
 * `npm run deploy:supergraph`: composes the supergraph that Apollo Router serves in deploy/compose.yaml — the
 * gateway's subgraph (print-subgraph's SDL) and the sample loyalty subgraph — with @apollo/composition, the
 * library rover uses, and writes deploy/supergraph.graphql plus the subgraph SDL files deploy/supergraph.yaml
 * (rover's config) names. A test fails when the committed files are stale. Routing URLs are the compose services'.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { subgraphSdl } from '../src/graphql/federation';
import { LOYALTY_SDL } from './sample-subgraph/loyalty';

/** Where Router sends each subgraph's share of a query, inside the compose network. */
export const ROUTING_URLS = {
  /** The load balancer in front of gateway-1 and gateway-2. */
  hubspot: 'http://lb:8080/graphql',
  loyalty: 'http://loyalty:4002/graphql',
};

export interface Supergraph {
  supergraphSdl: string;
  subgraphs: Record<keyof typeof ROUTING_URLS, string>;
}

/** Composes; throws with composition's own messages when the subgraphs do not compose. */
export function composeSupergraph(urls: Record<keyof typeof ROUTING_URLS, string> = ROUTING_URLS): Supergraph {
  const subgraphs = { hubspot: `${subgraphSdl().trimEnd()}\n`, loyalty: `${LOYALTY_SDL.trim()}\n` };
  const result = composeServices(Object.entries(subgraphs).map(([name, sdl]) => ({ name, url: urls[name as keyof typeof urls], typeDefs: parse(sdl) })));
  if (result.errors) throw new Error(`the subgraphs do not compose:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`);
  return { supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`, subgraphs };
}

/** The files the script writes, by path relative to deploy/. */
export function supergraphFiles(s: Supergraph = composeSupergraph()): Record<string, string> {
  return {
    'supergraph.graphql': s.supergraphSdl,
    'subgraphs/hubspot.graphql': s.subgraphs.hubspot,
    'subgraphs/loyalty.graphql': s.subgraphs.loyalty,
  };
}

if (require.main === module) {
  try {
    for (const [file, text] of Object.entries(supergraphFiles())) {
      writeFileSync(join(__dirname, file), text);
      process.stdout.write(`wrote deploy/${file}\n`);
    }
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
