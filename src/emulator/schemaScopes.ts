import type { Response } from 'express';
import { requireScope } from './context';

/**
 * The scopes HubSpot's Properties and Pipelines specs (crm-properties-v3, crm-pipelines-v3) accept, any one of
 * them sufficing. Both specs declare the same two lists on every read and every write operation, and neither
 * list depends on the object type in the path: a token with `crm.objects.owners.read` may read deal pipelines.
 */
const words = (s: string) => s.trim().split(/\s+/);

const OBJECT_SCOPE_FAMILIES = words(`
  appointments.read appointments.sensitive.read.v2 appointments.sensitive.write.v2 appointments.write calls.read
  carts.read commercepayments.write companies.highly_sensitive.read.v2 companies.highly_sensitive.write.v2
  companies.read companies.sensitive.read.v2 companies.sensitive.write.v2 companies.write
  contacts.highly_sensitive.read.v2 contacts.highly_sensitive.write.v2 contacts.read contacts.sensitive.read.v2
  contacts.sensitive.write.v2 contacts.write courses.read courses.write custom.highly_sensitive.read.v2
  custom.highly_sensitive.write.v2 custom.read custom.sensitive.read.v2 custom.sensitive.write.v2 custom.write
  deals.highly_sensitive.read.v2 deals.highly_sensitive.write.v2 deals.read deals.sensitive.read.v2
  deals.sensitive.write.v2 deals.write emails.read feedback_submissions.read goals.read goals.write invoices.read
  invoices.write leads.read leads.write line_items.read line_items.write listings.read listings.write
  marketing_events.read marketing_events.write meetings.read notes.read orders.read owners.read products.write
  projects.highly_sensitive.read projects.highly_sensitive.write projects.read projects.sensitive.read
  projects.sensitive.write projects.write quotes.read quotes.write services.read services.write subscriptions.read
  subscriptions.write tasks.read tickets.highly_sensitive.read tickets.sensitive.read users.read
`).map((s) => `crm.objects.${s}`);

const SCHEMA_READ_TYPES = words(`
  appointments calls carts commercepayments companies contacts courses custom deals emails invoices line_items
  listings meetings notes orders projects quotes services subscriptions tasks tickets
`);

const SCHEMA_WRITE_TYPES = words(`
  appointments carts commercepayments companies contacts courses custom deals invoices listings orders projects
  quotes services subscriptions tickets
`);

/** Any of these lets a token read properties, property groups, pipelines, stages and their audits. */
export const SCHEMA_READ_SCOPES: readonly string[] = [
  ...OBJECT_SCOPE_FAMILIES,
  ...SCHEMA_READ_TYPES.map((t) => `crm.schemas.${t}.read`),
  ...words('automation cpq.quotes.read cpq.quotes.write crm.pipelines.orders.read e-commerce media_bridge.read'),
  ...words('tickets tickets.highly_sensitive.v2 tickets.sensitive.v2 timeline'),
];

/** Any of these lets a token create, change or archive properties, groups, pipelines and stages. */
export const SCHEMA_WRITE_SCOPES: readonly string[] = [
  ...SCHEMA_WRITE_TYPES.map((t) => `crm.schemas.${t}.write`),
  ...words('crm.objects.carts.write crm.objects.orders.write crm.objects.users.write crm.pipelines.orders.write'),
  ...words('crm.objects.tickets.highly_sensitive.write crm.objects.tickets.sensitive.write'),
  ...words('e-commerce tickets tickets.highly_sensitive.v2 tickets.sensitive.v2'),
];

export const requireSchemaRead = (res: Response): void => requireScope(res, ...SCHEMA_READ_SCOPES);
export const requireSchemaWrite = (res: Response): void => requireScope(res, ...SCHEMA_WRITE_SCOPES);
