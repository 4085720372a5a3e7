import { decodeCursor, encodeCursor, type Cursor } from './ids';

/** A HubSpot page that pages forward with `paging.next.after`. */
export interface ForwardPage<T> {
  results: T[];
  paging?: { next?: { after: string } };
}

export interface ForwardPagingRequest<T> {
  /** Items wanted (already validated). */
  first: number;
  /** The connection's `after` argument: an opaque cursor from an earlier page. */
  after: string | null | undefined;
  /** HubSpot's largest page for the operation. */
  maxPageSize: number;
  /** Reads one HubSpot page starting at HubSpot's `after` (undefined: the first page). */
  fetch(after: string | undefined, limit: number): Promise<ForwardPage<T>>;
  /** A filter HubSpot cannot apply; pages are then read whole, and read on until `first` items are kept. */
  keep?: (item: T) => boolean;
  /** HubSpot pages read at most for one connection (default 5), so a sparse filter cannot read without end. */
  maxPages?: number;
}

export interface ForwardConnection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * One connection page over a HubSpot list that pages with `paging.next.after`. Every edge's cursor is a position:
 * HubSpot's cursor of the page the item is on (`a`) and how many items of that page come before the next one (`o`),
 * so paging on from any edge reads only from there. After a page's last item the cursor points at the next page.
 *
 * Without `keep` this is one HubSpot call asking for exactly what is missing. With `keep`, HubSpot pages are read
 * whole until `first` items pass it, the list ends or `maxPages` pages were read; in that last case the page may be
 * short (even empty) and `endCursor` still says where to go on.
 */
export async function forwardConnection<T>(req: ForwardPagingRequest<T>): Promise<ForwardConnection<T>> {
  const start = decodeCursor(req.after);
  const maxPages = req.maxPages ?? 5;
  const edges: Array<{ cursor: string; node: T }> = [];
  let position: Cursor = start;
  let hasNextPage = false;
  for (let pagesRead = 0; ; ) {
    const limit = req.keep ? req.maxPageSize : Math.min(req.maxPageSize, position.o + req.first - edges.length);
    const page = await req.fetch(position.a, limit);
    pagesRead++;
    const next = page.paging?.next?.after;
    let index = position.o;
    while (index < page.results.length && edges.length < req.first) {
      const item = page.results[index++]!;
      position = index === page.results.length && next !== undefined ? { a: next, o: 0 } : { ...(position.a !== undefined ? { a: position.a } : {}), o: index };
      if (!req.keep || req.keep(item)) edges.push({ node: item, cursor: encodeCursor(position) });
    }
    if (edges.length >= req.first) {
      const rest = page.results.slice(index);
      hasNextPage = (req.keep ? rest.some(req.keep) : rest.length > 0) || next !== undefined;
      break;
    }
    if (next === undefined) break;
    position = { a: next, o: 0 };
    if (pagesRead >= maxPages) {
      hasNextPage = true;
      break;
    }
  }
  const endCursor = edges.at(-1)?.cursor ?? (hasNextPage ? encodeCursor(position) : (req.after ?? null));
  return { edges, nodes: edges.map((e) => e.node), pageInfo: { hasNextPage, endCursor } };
}
