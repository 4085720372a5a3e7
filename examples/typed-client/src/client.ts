import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** A GraphQL error as the gateway sends it: always with a code (see the README's "Limits, retries and errors"). */
export interface GatewayError {
  message: string;
  extensions?: { code?: string };
}

export class GatewayRequestError extends Error {
  constructor(readonly errors: GatewayError[]) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  }
}

/**
 * Runs a typed document against the gateway: the result and variables types come from the document, generated
 * against the gateway's SDL and the pulled portal schema, so a field the portal does not have fails to compile.
 */
export async function request<Result, Variables extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  headers: Record<string, string> = {},
): Promise<Result> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: print(document), variables }) });
  const body = (await res.json()) as { data?: Result | null; errors?: GatewayError[] };
  if (body.errors?.length || !body.data) throw new GatewayRequestError(body.errors ?? [{ message: `HTTP ${res.status} without data` }]);
  return body.data;
}
