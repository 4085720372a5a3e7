import { PARENT_TO_CHILD_COMPANY } from './associationTypes';
import { objectTypeOf, type ObjectTypeInfo } from './objectTypes';
import type { SeedSizes } from './options';
import { Random } from './random';
import { seedDemoCustomObject } from './seedCustomObjects';
import type { CrmRecord, HistoryEntry, Owner, PipelineStage, Portal } from './store';

/**
 * Deterministic demo data for a portal: owners, companies (some with parent companies), contacts with a primary
 * company, deals with companies, contacts and line items, tickets, products, engagements and the custom object
 * `cars` (seedCustomObjects.ts). The same sizes and seed value always give the same records, ids, values and
 * associations.
 *
 * Values are stored as HubSpot stores them: every value a string, numbers as decimal strings, booleans
 * `true`/`false`, datetimes as ISO-8601 with milliseconds, `date` properties as midnight-UTC epoch ms,
 * multi-select values joined with `;`.
 */

/** The fixed "now" of the demo data: record times fall in the two years before it, whatever today's date. */
export const SEED_BASE_TIME = Date.UTC(2025, 5, 30, 12, 0, 0);
const DAY = 86_400_000;
const TWO_YEARS = 730 * DAY;

/** HubSpot-defined association type ids used by the seed (HUBSPOT-FACTS §5). */
const CONTACT_TO_COMPANY_PRIMARY = 1;
const DEAL_TO_COMPANY_PRIMARY = 5;
const TICKET_TO_COMPANY_PRIMARY = 26;

const OWNER_EMAIL_DOMAIN = 'northwind-demo.com';
const FREE_EMAIL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me'];

const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James', 'Isabella', 'Lucas', 'Mia', 'Mateo',
  'Amelia', 'Benjamin', 'Harper', 'Henry', 'Evelyn', 'Alexander', 'Abigail', 'Daniel', 'Emily', 'Samuel', 'Ella',
  'David', 'Chloe', 'Joseph', 'Grace', 'Leo', 'Zoe', 'Owen', 'Nora', 'Ethan', 'Lily', 'Jack', 'Hannah', 'Wyatt',
  'Aria', 'Julian', 'Layla', 'Gabriel', 'Priya', 'Arjun', 'Mei', 'Hiroshi', 'Fatima', 'Omar', 'Sofia', 'Lukas',
  'Ingrid', 'Pierre', 'Chiara', 'Diego', 'Aisha', 'Kwame', 'Yuki', 'Anika', 'Ravi', 'Elena', 'Marco', 'Nadia',
];
const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Lopez',
  'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris',
  'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams',
  'Baker', 'Nelson', 'Carter', 'Mitchell', 'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans',
  'Edwards', 'Collins', 'Stewart', 'Morris', 'Murphy', 'Cook', 'Rogers', 'Patel', 'Nguyen', 'Kim', 'Chen', 'Singh',
  'Muller', 'Rossi', 'Dubois', 'Tanaka', 'Silva', 'Kowalski', 'Novak', 'Larsen', 'Okafor', 'Haddad',
];
const COMPANY_PREFIXES = [
  'Blue', 'Summit', 'Apex', 'Northwind', 'Bright', 'Silver', 'Granite', 'Harbor', 'Cedar', 'Pioneer', 'Vertex',
  'Lumen', 'Crescent', 'Atlas', 'Evergreen', 'Quantum', 'Redwood', 'Nimbus', 'Orbit', 'Beacon', 'Copper', 'Falcon',
  'Horizon', 'Ironclad', 'Juniper', 'Keystone', 'Maple', 'Meridian', 'Nova', 'Oakridge', 'Polar', 'Riverbend',
  'Sapphire', 'Tidewater', 'Union', 'Velvet', 'Willow', 'Zenith', 'Cobalt', 'Amber',
];
const COMPANY_SUFFIXES = [
  'Labs', 'Systems', 'Analytics', 'Logistics', 'Health', 'Partners', 'Dynamics', 'Software', 'Networks', 'Foods',
  'Energy', 'Robotics', 'Media', 'Capital', 'Works', 'Industries', 'Solutions', 'Bio', 'Retail', 'Studios',
];
const TLDS = ['com', 'com', 'com', 'io', 'co', 'net'];
/** [city, state/region, country, phone prefix, time zone] */
const LOCATIONS: Array<[string, string, string, string, string]> = [
  ['Boston', 'MA', 'United States', '+1 617', 'America/New_York'],
  ['New York', 'NY', 'United States', '+1 212', 'America/New_York'],
  ['Austin', 'TX', 'United States', '+1 512', 'America/Chicago'],
  ['Chicago', 'IL', 'United States', '+1 312', 'America/Chicago'],
  ['Denver', 'CO', 'United States', '+1 303', 'America/Denver'],
  ['San Francisco', 'CA', 'United States', '+1 415', 'America/Los_Angeles'],
  ['Seattle', 'WA', 'United States', '+1 206', 'America/Los_Angeles'],
  ['Toronto', 'ON', 'Canada', '+1 416', 'America/Toronto'],
  ['London', 'England', 'United Kingdom', '+44 20', 'Europe/London'],
  ['Dublin', 'Leinster', 'Ireland', '+353 1', 'Europe/Dublin'],
  ['Berlin', 'Berlin', 'Germany', '+49 30', 'Europe/Berlin'],
  ['Paris', 'Île-de-France', 'France', '+33 1', 'Europe/Paris'],
  ['Amsterdam', 'North Holland', 'Netherlands', '+31 20', 'Europe/Amsterdam'],
  ['Sydney', 'NSW', 'Australia', '+61 2', 'Australia/Sydney'],
  ['Singapore', 'Singapore', 'Singapore', '+65 6', 'Asia/Singapore'],
];
const JOB_TITLES = [
  'CEO', 'CTO', 'CFO', 'VP of Sales', 'VP of Marketing', 'Head of Operations', 'Marketing Manager', 'Sales Manager',
  'Account Executive', 'Product Manager', 'Software Engineer', 'IT Director', 'Procurement Lead', 'Office Manager',
  'Customer Success Manager', 'Data Analyst', 'HR Director', 'Operations Analyst', 'Founder', 'Consultant',
];
const DEAL_KINDS = [
  'Annual subscription', 'Platform expansion', 'Pilot project', 'Renewal', 'Enterprise upgrade', 'Onboarding package',
  'Add-on seats', 'Consulting engagement', 'Multi-year agreement', 'Support plan',
];
/** [name, list price, product type] */
const PRODUCTS: Array<[string, number, string]> = [
  ['Analytics Suite', 4800, 'service'], ['CRM Seat', 600, 'service'], ['Onboarding Package', 2500, 'service'],
  ['Premium Support', 1200, 'service'], ['Data Connector', 950, 'non_inventory'], ['API Access Tier', 1500, 'service'],
  ['Training Workshop', 1800, 'service'], ['Hardware Gateway', 349.99, 'inventory'], ['Barcode Scanner', 129.5, 'inventory'],
  ['Implementation Hours', 175, 'service'], ['Security Add-on', 2200, 'service'], ['Reporting Module', 990, 'non_inventory'],
];
const PRODUCT_EDITIONS = ['Starter', 'Professional', 'Enterprise', 'Team', 'Plus'];
const TICKET_SUBJECTS = [
  'Unable to log in', 'Invoice shows the wrong amount', 'Export to CSV fails', 'Feature request: dark mode',
  'Sync with calendar stopped', 'Question about pricing tiers', 'Password reset email not received',
  'Dashboard loads slowly', 'Need to add more seats', 'Integration returns 500 errors', 'Data import stuck',
];
const NOTE_TOPICS = ['renewal timeline', 'budget approval', 'pilot feedback', 'security review', 'pricing questions', 'rollout plan', 'integration needs'];

const iso = (ms: number) => new Date(ms).toISOString();
const slug = (s: string) => s.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '');
const money = (cents: number) => (cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2));

interface SeededCompany {
  id: string;
  name: string;
  domain: string;
  ownerId?: string;
  location: (typeof LOCATIONS)[number];
}

interface SeededContact {
  id: string;
  companyId?: string;
  ownerId?: string;
  name: string;
}

interface SeededProduct {
  id: string;
  name: string;
  sku: string;
  priceCents: number;
}

/** How a record's values were written: by a user in the CRM or by an import. One source per record. */
interface Source {
  sourceType: 'CRM_UI' | 'IMPORT';
  sourceId?: string;
  updatedByUserId?: number;
}

class Seeder {
  private readonly owners: Owner[] = [];
  private readonly companies: SeededCompany[] = [];
  private readonly contacts: SeededContact[] = [];
  private readonly contactsByCompany = new Map<string, SeededContact[]>();
  private readonly dealsByContact = new Map<string, string[]>();
  private readonly products: SeededProduct[] = [];
  private readonly usedEmails = new Set<string>();

  constructor(
    private readonly portal: Portal,
    private readonly rnd: Random,
  ) {}

  // -- generic helpers --------------------------------------------------------------------------------

  private type(name: string): ObjectTypeInfo {
    const type = objectTypeOf(name);
    if (!type) throw new Error(`seed: unknown object type ${name}`);
    return type;
  }

  /** The option values of an enumeration property, as defined in the portal. */
  private options(typeName: string, property: string): string[] {
    const def = this.portal.propertiesOf(this.type(typeName)).get(property);
    if (!def?.options.length) throw new Error(`seed: ${typeName}.${property} has no options`);
    return def.options.map((o) => o.value);
  }

  private pickOption(typeName: string, property: string): string {
    return this.rnd.pick(this.options(typeName, property));
  }

  /** A time between two instants, to the second (HubSpot UI writes carry whole seconds). */
  private timeBetween(fromMs: number, toMs: number): number {
    return Math.floor((fromMs + this.rnd.next() * Math.max(0, toMs - fromMs)) / 1000) * 1000;
  }

  private pickOwner(): Owner | undefined {
    return this.owners.length && this.rnd.chance(0.92) ? this.rnd.pick(this.owners) : undefined;
  }

  private ownerById(id: string | undefined): Owner | undefined {
    return id === undefined ? undefined : this.owners.find((o) => o.id === id);
  }

  private sourceOf(owner: Owner | undefined): Source {
    if (this.rnd.chance(0.2)) return { sourceType: 'IMPORT', sourceId: String(this.rnd.int(10_000, 99_999)) };
    return owner ? { sourceType: 'CRM_UI', sourceId: `userId:${owner.userId}`, updatedByUserId: owner.userId } : { sourceType: 'CRM_UI' };
  }

  /**
   * Stores a record: its id, `hs_object_id`, create/modify properties and one history entry per value.
   * Undefined values are left out, as HubSpot leaves out properties that were never set.
   */
  private create(typeName: string, values: Record<string, string | undefined>, createdMs: number, updatedMs: number, owner?: Owner): string {
    const type = this.type(typeName);
    const id = this.portal.allocateRecordId();
    const createdAt = iso(createdMs);
    const updatedAt = iso(updatedMs);
    const modifiedProperties = new Set([type.modifiedProperty, 'hs_lastmodifieddate']);
    const properties: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) if (value !== undefined) properties[name] = value;
    properties.hs_object_id = id;
    properties[type.createdProperty] = createdAt;
    for (const name of modifiedProperties) if (this.portal.propertiesOf(type).has(name)) properties[name] = updatedAt;
    const source = this.sourceOf(owner);
    const history: Record<string, HistoryEntry[]> = {};
    for (const [name, value] of Object.entries(properties)) {
      history[name] = [{ value, timestamp: modifiedProperties.has(name) ? updatedAt : createdAt, ...source }];
    }
    const record: CrmRecord = { id, properties, history, createdAt, updatedAt, archived: false };
    this.portal.recordsOf(type).set(id, record);
    return id;
  }

  /** A creation time in the two years before the base time, and a later modification time. */
  private lifetime(): [number, number] {
    const created = this.timeBetween(SEED_BASE_TIME - TWO_YEARS, SEED_BASE_TIME - DAY);
    return [created, this.timeBetween(created, SEED_BASE_TIME)];
  }

  private associate(fromType: string, fromId: string, toType: string, toId: string, typeId?: number): void {
    const [from, to] = [this.type(fromType), this.type(toType)];
    const id = typeId ?? this.portal.associations.defaultType(from.id, to.id)?.typeId;
    if (id === undefined || !this.portal.associations.add(from.id, fromId, to.id, toId, id)) {
      throw new Error(`seed: no association type ${typeId ?? '(default)'} from ${fromType} to ${toType}`);
    }
  }

  /** A labelled HubSpot association plus the unlabeled type every association carries. */
  private associateLabelled(fromType: string, fromId: string, toType: string, toId: string, typeId: number): void {
    this.associate(fromType, fromId, toType, toId, typeId);
    this.associate(fromType, fromId, toType, toId);
  }

  private personName(): [string, string] {
    return [this.rnd.pick(FIRST_NAMES), this.rnd.pick(LAST_NAMES)];
  }

  /** `first.last@domain`, made unique with a number where two people share a name and a domain. */
  private uniqueEmail(first: string, last: string, domain: string): string {
    const local = `${slug(first)}.${slug(last)}`;
    for (let n = 1; ; n++) {
      const email = `${local}${n === 1 ? '' : n}@${domain}`;
      if (!this.usedEmails.has(email)) {
        this.usedEmails.add(email);
        return email;
      }
    }
  }

  private phone(prefix: string): string {
    return `${prefix} ${this.rnd.int(200, 999)} ${String(this.rnd.int(0, 9999)).padStart(4, '0')}`;
  }

  private stagesOf(objectTypeId: string, pipelineId: string): PipelineStage[] {
    const stages = this.portal.pipelines.get(objectTypeId)?.get(pipelineId)?.stages.filter((s) => !s.archived);
    if (!stages?.length) throw new Error(`seed: pipeline ${pipelineId} of ${objectTypeId} is missing; install the default pipelines first`);
    return stages;
  }

  // -- object types -----------------------------------------------------------------------------------

  seedOwners(count: number): void {
    const teams = [
      { id: '3101', name: 'Sales East' },
      { id: '3102', name: 'Sales West' },
      { id: '3201', name: 'Customer Support' },
    ];
    for (let i = 0; i < count; i++) {
      const [first, last] = this.personName();
      const created = this.timeBetween(SEED_BASE_TIME - TWO_YEARS, SEED_BASE_TIME - 300 * DAY);
      // Most owners sit in one team; the first is also in a second one, and every fourth in none.
      const team = teams[i % teams.length]!;
      const ownerTeams = i % 4 === 3 ? [] : i === 0 ? [{ ...team, primary: true }, { ...teams[1]!, primary: false }] : [{ ...team, primary: true }];
      const owner: Owner = {
        id: String(41_000_101 + i),
        email: this.uniqueEmail(first, last, OWNER_EMAIL_DOMAIN),
        firstName: first,
        lastName: last,
        userId: 7_300_001 + i,
        userIdIncludingInactive: 7_300_001 + i,
        type: 'PERSON',
        teams: ownerTeams,
        createdAt: iso(created),
        updatedAt: iso(this.timeBetween(created, SEED_BASE_TIME)),
        archived: false,
      };
      this.owners.push(owner);
      this.portal.owners.push(owner);
    }
  }

  seedCompanies(count: number): void {
    const names = new Set<string>();
    const domains = new Set<string>();
    for (let i = 0; i < count; i++) {
      let name = `${this.rnd.pick(COMPANY_PREFIXES)} ${this.rnd.pick(COMPANY_SUFFIXES)}`;
      for (let n = 2; names.has(name); n++) name = `${name.replace(/ \d+$/, '')} ${n}`;
      names.add(name);
      let domain = `${slug(name)}.${this.rnd.pick(TLDS)}`;
      for (let n = 2; domains.has(domain); n++) domain = `${slug(name)}${n}.${domain.split('.').pop()}`;
      domains.add(domain);
      const location = this.rnd.pick(LOCATIONS);
      const owner = this.pickOwner();
      const employees = this.rnd.pick([5, 12, 25, 40, 80, 150, 300, 650, 1200, 5000]) + this.rnd.int(0, 9);
      const industry = this.pickOption('companies', 'industry');
      const [created, updated] = this.lifetime();
      const id = this.create(
        'companies',
        {
          name,
          domain,
          website: `https://www.${domain}`,
          phone: this.phone(location[3]),
          city: location[0],
          state: location[1],
          country: location[2],
          timezone: location[4],
          industry,
          type: this.pickOption('companies', 'type'),
          lifecyclestage: this.rnd.pick(['lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'customer', 'evangelist']),
          numberofemployees: String(employees),
          annualrevenue: String(employees * this.rnd.int(60, 260) * 1000),
          founded_year: String(this.rnd.int(1965, 2021)),
          is_public: String(employees > 1000 && this.rnd.chance(0.5)),
          description: `${name} is a ${industry.toLowerCase().replace(/_/g, ' ')} company based in ${location[0]}.`,
          linkedin_company_page: `https://www.linkedin.com/company/${slug(name)}`,
          hubspot_owner_id: owner?.id,
        },
        created,
        updated,
        owner,
      );
      this.companies.push({ id, name, domain, ownerId: owner?.id, location });
    }
    // Some companies are subsidiaries of an earlier top-level one (one level deep, so never a cycle).
    const children = new Set<string>();
    for (const [i, child] of this.companies.entries()) {
      if (i < 3 || !this.rnd.chance(0.12)) continue;
      const parent = this.companies[this.rnd.int(0, i - 1)]!;
      if (children.has(parent.id)) continue;
      this.associateLabelled('companies', parent.id, 'companies', child.id, PARENT_TO_CHILD_COMPANY);
      children.add(child.id);
    }
  }

  seedContacts(count: number): void {
    for (let i = 0; i < count; i++) {
      const [first, last] = this.personName();
      const company = this.companies.length && this.rnd.chance(0.88) ? this.rnd.pick(this.companies) : undefined;
      const email = this.uniqueEmail(first, last, company?.domain ?? this.rnd.pick(FREE_EMAIL_DOMAINS));
      const owner = this.ownerById(company?.ownerId) ?? this.pickOwner();
      const location = company?.location ?? this.rnd.pick(LOCATIONS);
      const [created, updated] = this.lifetime();
      const birth = this.rnd.chance(0.3) ? String(Date.UTC(this.rnd.int(1960, 2001), this.rnd.int(0, 11), this.rnd.int(1, 28))) : undefined;
      const extraEmails = this.rnd.chance(0.06)
        ? [this.uniqueEmail(first, last, 'gmail.com'), this.uniqueEmail(first, last, 'outlook.com')].join(';')
        : undefined;
      const id = this.create(
        'contacts',
        {
          email,
          firstname: first,
          lastname: last,
          phone: this.phone(location[3]),
          mobilephone: this.rnd.chance(0.4) ? this.phone(location[3]) : undefined,
          company: company?.name,
          website: company ? `https://www.${company.domain}` : undefined,
          jobtitle: this.rnd.pick(JOB_TITLES),
          city: location[0],
          state: location[1],
          country: location[2],
          lifecyclestage: this.pickOption('contacts', 'lifecyclestage'),
          hs_lead_status: this.pickOption('contacts', 'hs_lead_status'),
          date_of_birth: birth,
          hs_email_optout: String(this.rnd.chance(0.1)),
          hs_additional_emails: extraEmails,
          hubspot_owner_id: owner?.id,
        },
        created,
        updated,
        owner,
      );
      const contact: SeededContact = { id, companyId: company?.id, ownerId: owner?.id, name: `${first} ${last}` };
      this.contacts.push(contact);
      if (company) {
        this.associateLabelled('contacts', id, 'companies', company.id, CONTACT_TO_COMPANY_PRIMARY);
        this.contactsByCompany.set(company.id, [...(this.contactsByCompany.get(company.id) ?? []), contact]);
      }
    }
  }

  seedDeals(count: number): void {
    if (count === 0) return;
    // Later stages are rarer, as in a real funnel; closed deals are common in an account two years old.
    const stages = this.stagesOf('0-3', 'default');
    const weights = stages.map((s) => (s.metadata.isClosed === 'true' ? 3 : Math.max(1, 5 - s.displayOrder)));
    for (let i = 0; i < count; i++) {
      const stage = this.weighted(stages, weights);
      const company = this.companies.length && this.rnd.chance(0.9) ? this.rnd.pick(this.companies) : undefined;
      const owner = this.ownerById(company?.ownerId) ?? this.pickOwner();
      const [created, updated] = this.lifetime();
      const closed = stage.metadata.isClosed === 'true';
      const closeMs = closed ? this.timeBetween(created, updated) : this.timeBetween(SEED_BASE_TIME + DAY, SEED_BASE_TIME + 180 * DAY);
      const lineItems = this.products.length && this.rnd.chance(0.4) ? this.planLineItems() : [];
      const amountCents = lineItems.length
        ? lineItems.reduce((sum, li) => sum + li.product.priceCents * li.quantity, 0)
        : this.rnd.int(10, 1200) * 50_000;
      const kind = this.rnd.pick(DEAL_KINDS);
      const dealId = this.create(
        'deals',
        {
          dealname: company ? `${company.name} - ${kind}` : `${kind} #${i + 1}`,
          amount: money(amountCents),
          amount_in_home_currency: money(amountCents),
          deal_currency_code: 'USD',
          pipeline: 'default',
          dealstage: stage.id,
          hs_deal_stage_probability: stage.metadata.probability,
          hs_is_closed: String(closed),
          hs_is_closed_won: String(stage.metadata.probability === '1.0'),
          closedate: iso(closeMs),
          dealtype: this.pickOption('deals', 'dealtype'),
          hs_priority: this.pickOption('deals', 'hs_priority'),
          description: this.rnd.chance(0.5) ? `${kind} for ${company?.name ?? 'a new customer'}.` : undefined,
          hubspot_owner_id: owner?.id,
        },
        created,
        updated,
        owner,
      );
      if (company) this.associateLabelled('deals', dealId, 'companies', company.id, DEAL_TO_COMPANY_PRIMARY);
      for (const contact of this.dealContacts(company?.id)) {
        this.associate('deals', dealId, 'contacts', contact.id);
        this.dealsByContact.set(contact.id, [...(this.dealsByContact.get(contact.id) ?? []), dealId]);
      }
      for (const item of lineItems) this.createLineItem(dealId, item, created, owner);
    }
  }

  private weighted<T>(items: T[], weights: number[]): T {
    let roll = this.rnd.next() * weights.reduce((a, b) => a + b, 0);
    for (const [i, item] of items.entries()) {
      roll -= weights[i]!;
      if (roll < 0) return item;
    }
    return items[items.length - 1]!;
  }

  /** One to three contacts, preferably people of the deal's company. */
  private dealContacts(companyId: string | undefined): SeededContact[] {
    const pool = (companyId && this.contactsByCompany.get(companyId)) || this.contacts;
    if (!pool.length) return [];
    const picked = new Set<SeededContact>();
    const wanted = Math.min(pool.length, this.rnd.int(1, 3));
    while (picked.size < wanted) picked.add(this.rnd.pick(pool));
    return [...picked];
  }

  private planLineItems(): Array<{ product: SeededProduct; quantity: number }> {
    return Array.from({ length: this.rnd.int(1, 3) }, () => ({ product: this.rnd.pick(this.products), quantity: this.rnd.int(1, 20) }));
  }

  private createLineItem(dealId: string, item: { product: SeededProduct; quantity: number }, dealCreated: number, owner?: Owner): void {
    const created = this.timeBetween(dealCreated, Math.min(dealCreated + 14 * DAY, SEED_BASE_TIME));
    const id = this.create(
      'line_items',
      {
        name: item.product.name,
        hs_product_id: item.product.id,
        hs_sku: item.product.sku,
        quantity: String(item.quantity),
        price: money(item.product.priceCents),
        amount: money(item.product.priceCents * item.quantity),
        hs_line_item_currency_code: 'USD',
      },
      created,
      created,
      owner,
    );
    this.associate('deals', dealId, 'line_items', id);
  }

  seedTickets(count: number): void {
    if (count === 0) return;
    const stages = this.stagesOf('0-5', '0');
    const categories = this.options('tickets', 'hs_ticket_category');
    for (let i = 0; i < count; i++) {
      const stage = this.rnd.pick(stages);
      const contact = this.contacts.length && this.rnd.chance(0.9) ? this.rnd.pick(this.contacts) : undefined;
      const companyId = contact ? contact.companyId : this.companies.length ? this.rnd.pick(this.companies).id : undefined;
      const owner = this.pickOwner();
      const [created, updated] = this.lifetime();
      const subject = this.rnd.pick(TICKET_SUBJECTS);
      const category = [...new Set([this.rnd.pick(categories), ...(this.rnd.chance(0.25) ? [this.rnd.pick(categories)] : [])])];
      const closed = stage.metadata.ticketState === 'CLOSED';
      const id = this.create(
        'tickets',
        {
          subject,
          content: `${contact ? contact.name : 'A customer'} reports: ${subject.toLowerCase()}. Steps and screenshots are in the thread.`,
          hs_pipeline: '0',
          hs_pipeline_stage: stage.id,
          hs_ticket_priority: this.pickOption('tickets', 'hs_ticket_priority'),
          hs_ticket_category: category.join(';'),
          source_type: this.pickOption('tickets', 'source_type'),
          closed_date: closed ? iso(updated) : undefined,
          hubspot_owner_id: owner?.id,
        },
        created,
        updated,
        owner,
      );
      if (contact) this.associate('tickets', id, 'contacts', contact.id);
      if (companyId) this.associateLabelled('tickets', id, 'companies', companyId, TICKET_TO_COMPANY_PRIMARY);
    }
  }

  seedProducts(count: number): void {
    for (let i = 0; i < count; i++) {
      const [base, listPrice, productType] = PRODUCTS[i % PRODUCTS.length]!;
      const edition = PRODUCT_EDITIONS[Math.floor(i / PRODUCTS.length) % PRODUCT_EDITIONS.length]!;
      const round = Math.floor(i / (PRODUCTS.length * PRODUCT_EDITIONS.length));
      const name = `${base} ${edition}${round ? ` ${round + 1}` : ''}`;
      const priceCents = Math.round(listPrice * 100 * (1 + (i % PRODUCT_EDITIONS.length) * 0.5));
      const sku = `${slug(base).slice(0, 6).toUpperCase()}-${String(1001 + i)}`;
      const owner = this.pickOwner();
      const [created, updated] = this.lifetime();
      const id = this.create(
        'products',
        {
          name,
          description: `${base}, ${edition} edition.`,
          price: money(priceCents),
          hs_cost_of_goods_sold: money(Math.round(priceCents * 0.35)),
          hs_sku: sku,
          hs_product_type: productType,
          recurringbillingfrequency: productType === 'service' ? this.pickOption('products', 'recurringbillingfrequency') : undefined,
          hubspot_owner_id: owner?.id,
        },
        created,
        updated,
        owner,
      );
      this.products.push({ id, name, sku, priceCents });
    }
  }

  seedEngagements(count: number): void {
    const kinds = ['notes', 'calls', 'emails', 'meetings', 'tasks'] as const;
    for (let i = 0; i < count; i++) {
      const kind = this.rnd.pick(kinds);
      const contact = this.contacts.length ? this.rnd.pick(this.contacts) : undefined;
      const companyId = contact?.companyId ?? (this.companies.length && this.rnd.chance(0.7) ? this.rnd.pick(this.companies).id : undefined);
      const contactDeals = contact ? this.dealsByContact.get(contact.id) ?? [] : [];
      const dealId = contactDeals.length && this.rnd.chance(0.5) ? this.rnd.pick(contactDeals) : undefined;
      const owner = this.ownerById(contact?.ownerId) ?? this.pickOwner();
      const [created, updated] = this.lifetime();
      // Meetings and tasks may lie ahead; everything else has happened.
      const when = kind === 'meetings' || kind === 'tasks' ? this.timeBetween(created, SEED_BASE_TIME + 30 * DAY) : this.timeBetween(created, updated);
      const id = this.create(
        kind,
        { hs_timestamp: iso(when), hubspot_owner_id: owner?.id, ...this.engagementValues(kind, contact?.name ?? 'the customer', when) },
        created,
        updated,
        owner,
      );
      if (contact) this.associate(kind, id, 'contacts', contact.id);
      if (companyId) this.associate(kind, id, 'companies', companyId);
      if (dealId) this.associate(kind, id, 'deals', dealId);
    }
  }

  private engagementValues(kind: 'notes' | 'calls' | 'emails' | 'meetings' | 'tasks', who: string, when: number): Record<string, string | undefined> {
    const topic = this.rnd.pick(NOTE_TOPICS);
    switch (kind) {
      case 'notes':
        return { hs_note_body: `<p>Spoke with ${who} about the ${topic}. Follow up next week.</p>` };
      case 'calls': {
        const status = this.rnd.pick(['COMPLETED', 'COMPLETED', 'COMPLETED', 'NO_ANSWER', 'BUSY']);
        return {
          hs_call_title: `Call with ${who}`,
          hs_call_body: `<p>Discussed the ${topic}.</p>`,
          hs_call_duration: String(status === 'COMPLETED' ? this.rnd.int(60, 2400) * 1000 : 0),
          hs_call_direction: this.pickOption('calls', 'hs_call_direction'),
          hs_call_status: status,
          hs_call_from_number: this.phone('+1 617'),
          hs_call_to_number: this.phone('+1 212'),
        };
      }
      case 'emails':
        return {
          hs_email_subject: `Re: ${topic}`,
          hs_email_text: `Hi ${who.split(' ')[0]},\n\nThanks for the update on the ${topic}.\n\nBest regards`,
          hs_email_direction: this.rnd.pick(['EMAIL', 'INCOMING_EMAIL']),
          hs_email_status: 'SENT',
        };
      case 'meetings': {
        const end = when + this.rnd.pick([30, 45, 60]) * 60_000;
        return {
          hs_meeting_title: `${topic[0]!.toUpperCase()}${topic.slice(1)} with ${who}`,
          hs_meeting_body: `<p>Agenda: ${topic}.</p>`,
          hs_meeting_location: this.rnd.pick(['Zoom', 'Google Meet', 'Office', 'Phone']),
          hs_meeting_start_time: iso(when),
          hs_meeting_end_time: iso(end),
          hs_meeting_outcome: when > SEED_BASE_TIME ? 'SCHEDULED' : this.rnd.pick(['COMPLETED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW']),
        };
      }
      case 'tasks': {
        const status = when > SEED_BASE_TIME ? 'NOT_STARTED' : this.rnd.pick(['COMPLETED', 'COMPLETED', 'IN_PROGRESS', 'WAITING']);
        return {
          hs_task_subject: `Follow up with ${who} on the ${topic}`,
          hs_task_body: `<p>Send a summary of the ${topic}.</p>`,
          hs_task_status: status,
          hs_task_priority: this.pickOption('tasks', 'hs_task_priority'),
          hs_task_type: this.pickOption('tasks', 'hs_task_type'),
          hs_task_completion_date: status === 'COMPLETED' ? iso(when) : undefined,
        };
      }
    }
  }
}

/**
 * Fills a portal with demo data of the given sizes. Needs the portal's default pipelines when deals or tickets
 * are requested. Deterministic: the same sizes and seed value give identical data.
 */
export function seedPortal(portal: Portal, sizes: SeedSizes, seedValue: number): void {
  const seeder = new Seeder(portal, new Random(seedValue));
  // Order matters: later object types link to earlier ones (contacts to companies, deals to both, …).
  seeder.seedOwners(sizes.owners);
  seeder.seedCompanies(sizes.companies);
  seeder.seedContacts(sizes.contacts);
  seeder.seedProducts(sizes.products);
  seeder.seedDeals(sizes.deals);
  seeder.seedTickets(sizes.tickets);
  seeder.seedEngagements(sizes.engagements);
  // Last, and from a random stream of its own: the custom object changes nothing seeded before it.
  if (sizes.cars) seedDemoCustomObject(portal, sizes.cars, seedValue);
}
