/* eslint-disable @typescript-eslint/no-explicit-any -- answers are walked as plain JSON */
import { gid, type RestApi } from './rest';

/**
 * The benchmark suite. Each scenario is one GraphQL request, the hand-written REST calls that fetch the same data,
 * and the upstream-call arithmetic of HubSpot's rules (ARCHITECTURE.md, "Batching is the product"), computed from
 * the answer: per level and type ⌈distinct ids / 100⌉ batch reads, per association pair ⌈distinct sources / 1000⌉
 * v4 batch reads, one call per list or search page, ⌈inputs / 100⌉ batch upserts. None of them reads metadata
 * (pipelines, owners, property definitions); calls are counted on a second, warm request anyway.
 */
export interface Scenario {
  name: string;
  graphql: { query: string; variables?: Record<string, unknown> };
  /** The same data through the fewest REST calls, shaped like the GraphQL answer's `data`. */
  rest(api: RestApi): Promise<unknown>;
  /** The global ids at each level of an answer (GraphQL's or REST's), duplicates kept: what is compared and counted. */
  levels(data: any): string[][];
  /** The fewest HubSpot calls that fetch this answer. */
  minimum(levels: string[][]): number;
  /** What a gateway making one call per object and per association list would make. */
  naive(levels: string[][]): number;
}

export interface Fixtures {
  /** Contact ids (HubSpot's) in the emulator, at least 500. */
  contactIds: string[];
}

const batches = (n: number, size: number) => Math.ceil(n / size);
const distinct = (ids: string[]) => new Set(ids).size;
const nodes = (connection: any): any[] => connection?.nodes ?? [];

/** Child records of `parents`, `first` per parent, read with `properties`: the association batch read(s), then the batch read(s). */
async function children(api: RestApi, from: string, to: string, parents: string[], first: number, properties: string[]) {
  const links = parents.length ? await api.associations(from, to, parents, first) : new Map<string, string[]>();
  const ids = [...new Set([...links.values()].flat())];
  const rows = ids.length ? await api.batchRead(to, ids, properties) : new Map();
  return (parent: string) => (links.get(parent) ?? []).filter((id) => rows.has(id)).map((id) => ({ id, row: rows.get(id)! }));
}

const CONTACT_SEARCH = { filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'lead' }] }] };
const UPSERTS = Array.from({ length: 500 }, (_, i) => ({ id: `bench-${i}@example.com`, properties: { firstname: 'Bench', lastname: `Load ${i}` } }));

export function scenarios(f: Fixtures): Scenario[] {
  const contactId = f.contactIds[0]!;
  const references = f.contactIds.slice(0, 500);
  return [
    {
      name: 'one contact by id',
      graphql: { query: 'query ContactById($id: ID!) { contact(id: $id) { id email firstname lastname } }', variables: { id: contactId } },
      async rest(api) {
        const row = await api.get('contacts', contactId, ['email', 'firstname', 'lastname']);
        return { contact: { id: gid('contacts', row.id), ...row.properties } };
      },
      levels: (d) => [[d.contact.id]],
      minimum: () => 1,
      naive: () => 1,
    },
    {
      name: '100 contacts → companies',
      graphql: { query: 'query ContactsWithCompanies { contacts(first: 100) { nodes { id email firstname companies(first: 10) { nodes { id name domain } } } } }' },
      async rest(api) {
        const contacts = await api.list('contacts', 100, ['email', 'firstname']);
        const companiesOf = await children(api, 'contacts', 'companies', contacts.map((c) => c.id), 10, ['domain', 'name']);
        return {
          contacts: { nodes: contacts.map((c) => ({ id: gid('contacts', c.id), ...c.properties, companies: { nodes: companiesOf(c.id).map((x) => ({ id: gid('companies', x.id), ...x.row.properties })) } })) },
        };
      },
      levels: (d) => {
        const contacts = nodes(d.contacts);
        return [contacts.map((c) => c.id), contacts.flatMap((c) => nodes(c.companies).map((x) => x.id))];
      },
      // the contacts page; contacts→companies association reads; company batch reads
      minimum: ([contacts, companies]) => 1 + batches(distinct(contacts!), 1000) + batches(distinct(companies!), 100),
      // the page; one association list per contact; one GET per company shown
      naive: ([contacts, companies]) => 1 + contacts!.length + companies!.length,
    },
    {
      name: 'deals → contacts → companies',
      graphql: {
        query: 'query DealsContactsCompanies { deals(first: 100) { nodes { id dealname amount contacts(first: 10) { nodes { id email companies(first: 10) { nodes { id name } } } } } } }',
      },
      async rest(api) {
        const deals = await api.list('deals', 100, ['amount', 'dealname']);
        const dealContacts = deals.length ? await api.associations('deals', 'contacts', deals.map((d) => d.id), 10) : new Map<string, string[]>();
        const contactIds = [...new Set([...dealContacts.values()].flat())];
        // The contacts and their companies' links are independent: both in parallel, then the companies.
        const [contacts, contactCompanies] = await Promise.all([
          contactIds.length ? api.batchRead('contacts', contactIds, ['email']) : new Map(),
          contactIds.length ? api.associations('contacts', 'companies', contactIds, 10) : new Map<string, string[]>(),
        ]);
        const companyIds = [...new Set([...contactCompanies.values()].flat())];
        const companies = companyIds.length ? await api.batchRead('companies', companyIds, ['name']) : new Map();
        return {
          deals: {
            nodes: deals.map((d) => ({
              id: gid('deals', d.id),
              ...d.properties,
              contacts: {
                nodes: (dealContacts.get(d.id) ?? [])
                  .filter((id) => contacts.has(id))
                  .map((id) => ({
                    id: gid('contacts', id),
                    ...contacts.get(id)!.properties,
                    companies: { nodes: (contactCompanies.get(id) ?? []).filter((c) => companies.has(c)).map((c) => ({ id: gid('companies', c), ...companies.get(c)!.properties })) },
                  })),
              },
            })),
          },
        };
      },
      levels: (d) => {
        const deals = nodes(d.deals);
        const contacts = deals.flatMap((x) => nodes(x.contacts));
        return [deals.map((x) => x.id), contacts.map((c) => c.id), contacts.flatMap((c) => nodes(c.companies).map((x) => x.id))];
      },
      // the deals page; deals→contacts links; contact batch reads; contacts→companies links; company batch reads
      minimum: ([deals, contacts, companies]) =>
        1 + batches(distinct(deals!), 1000) + batches(distinct(contacts!), 100) + batches(distinct(contacts!), 1000) + batches(distinct(companies!), 100),
      // the page; a link list per deal; a GET and a link list per contact shown; a GET per company shown
      naive: ([deals, contacts, companies]) => 1 + deals!.length + 2 * contacts!.length + companies!.length,
    },
    {
      name: 'search contacts → companies',
      graphql: {
        query: 'query LeadsWithCompanies($groups: [FilterGroupInput!]) { searchContacts(filterGroups: $groups, first: 100) { totalCount nodes { id email companies(first: 10) { nodes { id name } } } } }',
        variables: { groups: CONTACT_SEARCH.filterGroups },
      },
      async rest(api) {
        const found = await api.search('contacts', { ...CONTACT_SEARCH, sorts: [], properties: ['email'], limit: 100, after: '0' });
        const companiesOf = await children(api, 'contacts', 'companies', found.map((c) => c.id), 10, ['name']);
        return {
          searchContacts: { nodes: found.map((c) => ({ id: gid('contacts', c.id), ...c.properties, companies: { nodes: companiesOf(c.id).map((x) => ({ id: gid('companies', x.id), ...x.row.properties })) } })) },
        };
      },
      levels: (d) => {
        const found = nodes(d.searchContacts);
        return [found.map((c) => c.id), found.flatMap((c) => nodes(c.companies).map((x) => x.id))];
      },
      minimum: ([found, companies]) => 1 + batches(distinct(found!), 1000) + batches(distinct(companies!), 100),
      naive: ([found, companies]) => 1 + found!.length + companies!.length,
    },
    {
      name: 'federation: 500 contact references',
      graphql: {
        query: 'query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on Contact { id email firstname } } }',
        variables: { representations: references.map((id) => ({ __typename: 'Contact', id: gid('contacts', id) })) },
      },
      async rest(api) {
        const rows = await api.batchRead('contacts', references, ['email', 'firstname']);
        return { _entities: references.map((id) => (rows.has(id) ? { id: gid('contacts', id), ...rows.get(id)!.properties } : null)) };
      },
      levels: (d) => [(d._entities as any[]).filter(Boolean).map((e) => e.id)],
      minimum: ([entities]) => batches(distinct(entities!), 100),
      naive: ([entities]) => entities!.length,
    },
    {
      name: 'batch upsert of 500 contacts',
      graphql: {
        query: 'mutation Upsert($inputs: [ContactUpsertInput!]!) { contactsBatchUpsert(idProperty: "email", inputs: $inputs) { contacts { id email } userErrors { code message } } }',
        variables: { inputs: UPSERTS },
      },
      async rest(api) {
        const rows = await api.batchUpsert('contacts', 'email', UPSERTS);
        return { contactsBatchUpsert: { contacts: rows.map((r) => ({ id: gid('contacts', r.id), email: r.properties.email })), userErrors: [] } };
      },
      levels: (d) => {
        if (d.contactsBatchUpsert.userErrors.length) throw new Error(`upsert userErrors: ${JSON.stringify(d.contactsBatchUpsert.userErrors.slice(0, 3))}`);
        return [(d.contactsBatchUpsert.contacts as any[]).map((c) => c.id)];
      },
      minimum: ([upserted]) => batches(upserted!.length, 100),
      naive: ([upserted]) => upserted!.length,
    },
  ];
}
