import { objectTypeOf, type ObjectTypeInfo } from './objectTypes';
import { Random } from './random';
import { SEED_BASE_TIME } from './seed';
import type { CrmRecord, Owner, Portal } from './store';

/**
 * A portal's account activity, as the account-info v3 activity API serves it (account-info-v3.json): the audit
 * log of user actions (`PublicApiUserActionEvent`), login attempts (`PublicLoginAudit`) and security activity
 * (`HydratedCriticalAction`). Seeded deterministically from the portal's users (its owners) and CRM records, and
 * added to as CRM records are written through the API (see crmWriteAudit.ts).
 *
 * Kept beside the portal rather than in it, like the pipeline audit: only the activity API reads it, and a reset
 * portal starts from its seed again.
 */

/** Every entry has an instant (epoch ms) and a sequence number that breaks ties, so any order is total. */
export interface Stamped {
  at: number;
  seq: number;
}

export interface ActingUser {
  userId: number;
  userEmail?: string;
}

export interface AuditLogEntry extends Stamped {
  id: string;
  category: string;
  subCategory?: string;
  action: string;
  targetObjectId?: string;
  actingUser: ActingUser;
}

export interface LoginEntry extends Stamped {
  id: string;
  loginSucceeded: boolean;
  userId: number;
  email: string;
  ipAddress: string;
  userAgent: string;
  location: string;
  countryCode: string;
  regionCode: string;
}

export interface SecurityEntry extends Stamped {
  id: string;
  type: string;
  userId: number;
  /** The email of the user the activity is recorded for (the spec's `actingUser` is a string). */
  actingUser: string;
  objectId?: string;
  infoUrl: string;
  ipAddress: string;
  location: string;
  countryCode: string;
  regionCode: string;
}

export interface ActivityBook {
  auditLogs: AuditLogEntry[];
  logins: LoginEntry[];
  security: SecurityEntry[];
  nextSeq: number;
}

/** Calls through a token act for no particular user; 0 stands for that (as in the pipeline audit). */
export const API_USER_ID = 0;

const books = new WeakMap<Portal, ActivityBook>();

export function activityOf(portal: Portal): ActivityBook {
  let book = books.get(portal);
  if (!book) books.set(portal, (book = { auditLogs: [], logins: [], security: [], nextSeq: 1 }));
  return book;
}

/** Adds one audit log entry; its id is opaque, like HubSpot's. */
export function recordAuditEvent(portal: Portal, event: Omit<AuditLogEntry, 'id' | 'seq'>): AuditLogEntry {
  const book = activityOf(portal);
  const seq = book.nextSeq++;
  const entry: AuditLogEntry = { ...event, seq, id: Buffer.from(`audit:${portal.portalId}:${seq}`, 'utf8').toString('base64url') };
  book.auditLogs.push(entry);
  return entry;
}

// ------------------------------------------------------------------------------------------------ seed

const DAY = 86_400_000;
/** HubSpot keeps login history for 90 days; the seeded activity covers the 90 days before the seed's "now". */
const WINDOW_START = SEED_BASE_TIME - 90 * DAY;

/** [city, region code, country code, country]; codes lower-case, as in the spec's examples (`ie`, `d`). */
const PLACES: ReadonlyArray<readonly [string, string, string, string]> = [
  ['Boston', 'ma', 'us', 'United States'],
  ['New York', 'ny', 'us', 'United States'],
  ['Austin', 'tx', 'us', 'United States'],
  ['San Francisco', 'ca', 'us', 'United States'],
  ['Toronto', 'on', 'ca', 'Canada'],
  ['London', 'eng', 'gb', 'United Kingdom'],
  ['Dublin', 'd', 'ie', 'Ireland'],
  ['Berlin', 'be', 'de', 'Germany'],
  ['Paris', 'idf', 'fr', 'France'],
  ['Sydney', 'nsw', 'au', 'Australia'],
];

/** Addresses come from the documentation ranges (RFC 5737), so no real host's address appears in demo data. */
const IP_NETWORKS = ['192.0.2', '198.51.100', '203.0.113'];

const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
];

/** Security activity a user does on their own account: [type, page it happened on]. */
const SELF_SECURITY: ReadonlyArray<readonly [string, string]> = [
  ['CHANGE_PASSWORD', 'user-preferences/{portal}/security'],
  ['ADD_TWO_FACTOR_AUTHENTICATION', 'user-preferences/{portal}/security'],
  ['PERSONAL_ACCESS_KEY_VIEW', 'personal-access-key/{portal}'],
  ['CONTACT_DATA_EXPORT', 'contacts/{portal}/objects/0-1/views/all/list'],
  ['EXPORT', 'settings/{portal}/objects/contacts'],
  ['IMPORT', 'import/{portal}'],
];

/** Security activity of the account's admin (its first user): [type, page, affects another user]. */
const ADMIN_SECURITY: ReadonlyArray<readonly [string, string, boolean]> = [
  ['TEAM_USER_ADDED', 'settings/{portal}/users/teams', true],
  ['ADD_ADMIN_PERMISSIONS', 'settings/{portal}/users', true],
  ['PRIVATE_APP_ACCESS_TOKEN_VIEW', 'private-apps/{portal}', false],
  ['PRIVATE_APP_ACCESS_TOKEN_ROTATE', 'private-apps/{portal}', false],
  ['INSTALL_INTEGRATION', 'integrations-settings/{portal}/installed', false],
  ['EXPORT_USERS', 'settings/{portal}/users', false],
];

/** Object types whose record writes the seed turns into audit entries, by HubSpot's audit sub-category. */
const AUDITED_TYPES = ['contacts', 'companies', 'deals', 'tickets'] as const;

interface SeedUser {
  userId: number;
  email: string;
  home: (typeof PLACES)[number];
  homeIp: string;
  devices: string[];
}

class ActivitySeeder {
  private readonly book: ActivityBook;

  constructor(
    private readonly portal: Portal,
    private readonly rnd: Random,
  ) {
    this.book = activityOf(portal);
  }

  private seq(): number {
    return this.book.nextSeq++;
  }

  private instant(fromMs = WINDOW_START, toMs = SEED_BASE_TIME): number {
    return Math.floor(fromMs + this.rnd.next() * (toMs - fromMs));
  }

  private ip(): string {
    return `${this.rnd.pick(IP_NETWORKS)}.${this.rnd.int(1, 254)}`;
  }

  user(owner: Owner): SeedUser {
    const devices = [this.rnd.pick(USER_AGENTS), this.rnd.pick(USER_AGENTS)];
    return { userId: owner.userId, email: owner.email, home: this.rnd.pick(PLACES), homeIp: this.ip(), devices: [...new Set(devices)] };
  }

  /** Logins from home on the user's own devices; a few from elsewhere, a few failed (mistyped passwords). */
  logins(user: SeedUser): void {
    for (let n = this.rnd.int(6, 16); n > 0; n--) {
      const away = this.rnd.chance(0.08);
      const [city, regionCode, countryCode, country] = away ? this.rnd.pick(PLACES) : user.home;
      const seq = this.seq();
      this.book.logins.push({
        seq,
        at: this.instant(),
        id: String(54_000_000 + seq),
        loginSucceeded: !this.rnd.chance(0.07),
        userId: user.userId,
        email: user.email,
        ipAddress: away ? this.ip() : user.homeIp,
        userAgent: this.rnd.pick(user.devices),
        location: `${city}, ${country}`,
        countryCode,
        regionCode,
      });
    }
  }

  security(user: SeedUser, type: string, page: string, objectId?: string): void {
    const seq = this.seq();
    const [city, regionCode, countryCode, country] = user.home;
    this.book.security.push({
      seq,
      at: this.instant(),
      id: String(76_000_000 + seq),
      type,
      userId: user.userId,
      actingUser: user.email,
      ...(objectId !== undefined ? { objectId } : {}),
      infoUrl: `${this.portal.details.uiDomain}/${page.replace('{portal}', String(this.portal.portalId))}`,
      ipAddress: user.homeIp,
      location: `${city}, ${country}`,
      countryCode,
      regionCode,
    });
  }

  selfSecurity(user: SeedUser): void {
    for (let n = this.rnd.int(1, 3); n > 0; n--) {
      const [type, page] = this.rnd.pick(SELF_SECURITY);
      this.security(user, type, page, type === 'CHANGE_PASSWORD' || type.includes('TWO_FACTOR') ? String(user.userId) : String(this.rnd.int(100_000, 999_999)));
    }
  }

  adminSecurity(admin: SeedUser, others: SeedUser[]): void {
    for (let n = this.rnd.int(2, 4); n > 0; n--) {
      const [type, page, affectsUser] = this.rnd.pick(ADMIN_SECURITY);
      if (affectsUser && !others.length) continue;
      this.security(admin, type, page, affectsUser ? String(this.rnd.pick(others).userId) : String(this.rnd.int(1_000_000, 9_999_999)));
    }
  }

  /**
   * The audit trail of the seeded CRM data itself: a record created in the window by a user in HubSpot's UI is a
   * `CRM_OBJECT`/`CREATE` entry at its creation time, a later change in the window a `PROPERTY_VALUE`/`UPDATE` entry,
   * both by the user its history names. Imports and API writes name no user and leave no entry here.
   */
  crmTrail(usersById: Map<number, SeedUser>): void {
    for (const name of AUDITED_TYPES) {
      const type = objectTypeOf(name)!;
      for (const record of this.portal.recordsOf(type).values()) this.recordTrail(type, record, usersById);
    }
  }

  private recordTrail(type: ObjectTypeInfo, record: CrmRecord, usersById: Map<number, SeedUser>): void {
    const source = record.history.hs_object_id?.[0];
    const user = source?.updatedByUserId !== undefined ? usersById.get(source.updatedByUserId) : undefined;
    if (!user) return;
    const subCategory = type.singular.toUpperCase();
    const actingUser = { userId: user.userId, userEmail: user.email };
    const created = Date.parse(record.createdAt);
    const updated = Date.parse(record.updatedAt);
    if (created >= WINDOW_START) this.audit({ at: created, category: 'CRM_OBJECT', subCategory, action: 'CREATE', targetObjectId: record.id, actingUser });
    if (updated > created && updated >= WINDOW_START) this.audit({ at: updated, category: 'PROPERTY_VALUE', subCategory, action: 'UPDATE', targetObjectId: record.id, actingUser });
  }

  /** A few edits of the deal and ticket pipelines by the admin (HubSpot's docs show these with the label as target). */
  pipelineTrail(admin: SeedUser): void {
    for (const [typeId, subCategory] of [['0-3', 'DEAL'], ['0-5', 'TICKET']] as const) {
      const labels = [...(this.portal.pipelines.get(typeId)?.values() ?? [])].map((p) => p.label);
      for (let n = labels.length ? this.rnd.int(1, 2) : 0; n > 0; n--) {
        this.audit({ at: this.instant(), category: 'PIPELINE', subCategory, action: 'UPDATE', targetObjectId: this.rnd.pick(labels), actingUser: { userId: admin.userId, userEmail: admin.email } });
      }
    }
  }

  private audit(event: Omit<AuditLogEntry, 'id' | 'seq'>): void {
    recordAuditEvent(this.portal, event);
  }
}

/**
 * Seeds a portal's activity from its users (the owners that are people) and its seeded CRM records. Uses its own
 * random stream, so adding it changed none of the CRM seed data; the same portal and seed value give the same
 * activity, ids included.
 */
export function seedAccountActivity(portal: Portal, seedValue: number): void {
  const seeder = new ActivitySeeder(portal, new Random(seedValue ^ 0xac71));
  const users = portal.owners.filter((o) => o.type === 'PERSON' && !o.archived).map((o) => seeder.user(o));
  for (const user of users) {
    seeder.logins(user);
    seeder.selfSecurity(user);
  }
  const [admin, ...others] = users;
  if (admin) {
    seeder.adminSecurity(admin, others);
    seeder.pipelineTrail(admin);
  }
  seeder.crmTrail(new Map(users.map((u) => [u.userId, u])));
}
