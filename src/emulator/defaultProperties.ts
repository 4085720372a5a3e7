import type { PropertyType } from '../crm/propertyTypes';

/**
 * HubSpot's default properties of each standard object, with HubSpot's type and fieldType.
 * A compact table: `[name, type, fieldType, flags?, options?]`. Flags: `r` read-only value (HubSpot computes it),
 * `u` unique value, `o` references owners. Labels are derived from the name unless given in LABELS.
 */
export type { PropertyType };

type Row = [name: string, type: PropertyType, fieldType: string, flags?: string, options?: string[]];

const owner: Row = ['hubspot_owner_id', 'enumeration', 'select', 'o'];
const common: Row[] = [
  ['hs_object_id', 'number', 'number', 'r'],
  ['hs_merged_object_ids', 'enumeration', 'checkbox', 'r'],
  ['hs_created_by_user_id', 'number', 'number', 'r'],
  ['hs_updated_by_user_id', 'number', 'number', 'r'],
];
const crmDates = (created: string, modified: string): Row[] => [
  [created, 'datetime', 'date', 'r'],
  [modified, 'datetime', 'date', 'r'],
];
const lifecycle: Row = [
  'lifecyclestage', 'enumeration', 'radio', '',
  ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'],
];
const address: Row[] = [
  ['address', 'string', 'text'], ['city', 'string', 'text'], ['state', 'string', 'text'],
  ['zip', 'string', 'text'], ['country', 'string', 'text'],
];
const engagementCommon: Row[] = [
  ['hs_timestamp', 'datetime', 'date'],
  owner,
  ['hs_attachment_ids', 'enumeration', 'checkbox'],
  ...crmDates('hs_createdate', 'hs_lastmodifieddate'),
];

const ROWS: Record<string, Row[]> = {
  contacts: [
    ['email', 'string', 'text', 'u'], ['firstname', 'string', 'text'], ['lastname', 'string', 'text'],
    ['phone', 'string', 'phonenumber'], ['mobilephone', 'string', 'phonenumber'], ['company', 'string', 'text'],
    ['website', 'string', 'text'], ['jobtitle', 'string', 'text'], ...address, lifecycle,
    ['hs_lead_status', 'enumeration', 'radio', '',
      ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING']],
    ['date_of_birth', 'date', 'date'], ['hs_email_optout', 'bool', 'booleancheckbox'],
    ['hs_additional_emails', 'enumeration', 'checkbox', 'r'], ['num_associated_deals', 'number', 'number', 'r'],
    ['notes_last_updated', 'datetime', 'date', 'r'], ['annualrevenue', 'string', 'text'],
    owner, ...crmDates('createdate', 'lastmodifieddate'), ['hs_lastmodifieddate', 'datetime', 'date', 'r'],
  ],
  companies: [
    ['name', 'string', 'text'], ['domain', 'string', 'text'], ['website', 'string', 'text'],
    ['phone', 'string', 'phonenumber'], ...address,
    ['industry', 'enumeration', 'select', '',
      ['ACCOUNTING', 'AIRLINES_AVIATION', 'APPAREL_FASHION', 'BANKING', 'COMPUTER_SOFTWARE', 'CONSTRUCTION',
        'EDUCATION_MANAGEMENT', 'FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE', 'INFORMATION_TECHNOLOGY_AND_SERVICES',
        'INTERNET', 'MARKETING_AND_ADVERTISING', 'RETAIL', 'TELECOMMUNICATIONS']],
    ['type', 'enumeration', 'select', '', ['PROSPECT', 'PARTNER', 'RESELLER', 'VENDOR', 'OTHER']],
    ['numberofemployees', 'number', 'number'], ['annualrevenue', 'number', 'number'],
    ['description', 'string', 'textarea'], ['founded_year', 'string', 'text'], ['is_public', 'bool', 'booleancheckbox'],
    ['timezone', 'string', 'text'], ['linkedin_company_page', 'string', 'text'], lifecycle,
    ['hs_num_child_companies', 'number', 'number', 'r'], ['hs_parent_company_id', 'number', 'number', 'r'],
    ['num_associated_contacts', 'number', 'number', 'r'], ['num_associated_deals', 'number', 'number', 'r'],
    owner, ...crmDates('createdate', 'hs_lastmodifieddate'),
  ],
  deals: [
    ['dealname', 'string', 'text'], ['amount', 'number', 'number'], ['dealstage', 'enumeration', 'radio'],
    ['pipeline', 'enumeration', 'select'], ['closedate', 'datetime', 'date'],
    ['dealtype', 'enumeration', 'radio', '', ['newbusiness', 'existingbusiness']],
    ['description', 'string', 'textarea'], ['hs_priority', 'enumeration', 'select', '', ['low', 'medium', 'high']],
    ['deal_currency_code', 'enumeration', 'select', '', ['USD', 'EUR', 'GBP', 'AUD', 'NZD']],
    ['hs_deal_stage_probability', 'number', 'number', 'r'], ['hs_is_closed', 'bool', 'booleancheckbox', 'r'],
    ['hs_is_closed_won', 'bool', 'booleancheckbox', 'r'], ['amount_in_home_currency', 'number', 'number', 'r'],
    ['num_associated_contacts', 'number', 'number', 'r'],
    owner, ...crmDates('createdate', 'hs_lastmodifieddate'),
  ],
  tickets: [
    ['subject', 'string', 'text'], ['content', 'string', 'textarea'], ['hs_pipeline', 'enumeration', 'select'],
    ['hs_pipeline_stage', 'enumeration', 'radio'],
    ['hs_ticket_priority', 'enumeration', 'select', '', ['LOW', 'MEDIUM', 'HIGH', 'URGENT']],
    ['hs_ticket_category', 'enumeration', 'checkbox', '',
      ['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY']],
    ['source_type', 'enumeration', 'select', '', ['CHAT', 'EMAIL', 'FORM', 'PHONE']],
    ['closed_date', 'datetime', 'date'], ['time_to_close', 'number', 'number', 'r'],
    owner, ...crmDates('createdate', 'hs_lastmodifieddate'),
  ],
  products: [
    ['name', 'string', 'text'], ['description', 'string', 'textarea'], ['price', 'number', 'number'],
    ['hs_sku', 'string', 'text', 'u'], ['hs_cost_of_goods_sold', 'number', 'number'],
    ['hs_recurring_billing_period', 'string', 'text'],
    ['hs_product_type', 'enumeration', 'select', '', ['inventory', 'non_inventory', 'service']],
    ['recurringbillingfrequency', 'enumeration', 'select', '', ['monthly', 'quarterly', 'annually']],
    owner, ...crmDates('createdate', 'hs_lastmodifieddate'),
  ],
  line_items: [
    ['name', 'string', 'text'], ['description', 'string', 'textarea'], ['quantity', 'number', 'number'],
    ['price', 'number', 'number'], ['amount', 'number', 'number', 'r'], ['discount', 'number', 'number'],
    ['hs_discount_percentage', 'number', 'number'], ['hs_product_id', 'number', 'number'], ['hs_sku', 'string', 'text'],
    ['hs_line_item_currency_code', 'enumeration', 'select', '', ['USD', 'EUR', 'GBP', 'AUD', 'NZD']],
    ['recurringbillingfrequency', 'enumeration', 'select', '', ['monthly', 'quarterly', 'annually']],
    ...crmDates('createdate', 'hs_lastmodifieddate'),
  ],
  quotes: [
    ['hs_title', 'string', 'text'], ['hs_expiration_date', 'date', 'date'],
    ['hs_status', 'enumeration', 'select', '', ['DRAFT', 'APPROVAL_NOT_NEEDED', 'PENDING_APPROVAL', 'APPROVED', 'REJECTED']],
    ['hs_quote_amount', 'number', 'number', 'r'], ['hs_currency', 'string', 'text'], ['hs_language', 'string', 'text'],
    ['hs_quote_number', 'string', 'text', 'r'], ['hs_sender_firstname', 'string', 'text'],
    ['hs_sender_lastname', 'string', 'text'], ['hs_sender_email', 'string', 'text'],
    owner, ...crmDates('hs_createdate', 'hs_lastmodifieddate'),
  ],
  notes: [['hs_note_body', 'string', 'html'], ...engagementCommon],
  calls: [
    ['hs_call_title', 'string', 'text'], ['hs_call_body', 'string', 'html'], ['hs_call_duration', 'number', 'number'],
    ['hs_call_from_number', 'string', 'text'], ['hs_call_to_number', 'string', 'text'],
    ['hs_call_status', 'enumeration', 'select', '',
      ['BUSY', 'CALLING_CRM_USER', 'CANCELED', 'COMPLETED', 'CONNECTING', 'FAILED', 'IN_PROGRESS', 'NO_ANSWER', 'QUEUED', 'RINGING']],
    ['hs_call_direction', 'enumeration', 'select', '', ['INBOUND', 'OUTBOUND']], ['hs_call_disposition', 'string', 'text'],
    ...engagementCommon,
  ],
  emails: [
    ['hs_email_subject', 'string', 'text'], ['hs_email_text', 'string', 'textarea'], ['hs_email_html', 'string', 'html'],
    ['hs_email_direction', 'enumeration', 'select', '', ['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL']],
    ['hs_email_status', 'enumeration', 'select', '', ['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT']],
    ['hs_email_headers', 'string', 'textarea'],
    ...engagementCommon,
  ],
  meetings: [
    ['hs_meeting_title', 'string', 'text'], ['hs_meeting_body', 'string', 'html'],
    ['hs_internal_meeting_notes', 'string', 'html'], ['hs_meeting_external_url', 'string', 'text'],
    ['hs_meeting_location', 'string', 'text'], ['hs_meeting_start_time', 'datetime', 'date'],
    ['hs_meeting_end_time', 'datetime', 'date'],
    ['hs_meeting_outcome', 'enumeration', 'select', '', ['SCHEDULED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW', 'CANCELED']],
    ...engagementCommon,
  ],
  tasks: [
    ['hs_task_subject', 'string', 'text'], ['hs_task_body', 'string', 'html'],
    ['hs_task_status', 'enumeration', 'select', '', ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED']],
    ['hs_task_priority', 'enumeration', 'select', '', ['NONE', 'LOW', 'MEDIUM', 'HIGH']],
    ['hs_task_type', 'enumeration', 'select', '', ['CALL', 'EMAIL', 'TODO']],
    ['hs_task_completion_date', 'datetime', 'date', 'r'],
    ...engagementCommon,
  ],
};

/** A property definition as crm-properties-v3 `Property` describes it. */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  description: string;
  groupName: string;
  options: Array<{ label: string; value: string; displayOrder: number; hidden: boolean; description?: string }>;
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  hubspotDefined: boolean;
  archived: boolean;
  archivedAt?: string;
  createdAt: string;
  updatedAt: string;
  referencedObjectType?: string;
  calculationFormula?: string;
  dataSensitivity: 'non_sensitive' | 'sensitive' | 'highly_sensitive';
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean; readOnlyOptions?: boolean };
  [extra: string]: unknown;
}

/** HubSpot's labels where they differ from the name turned into words. */
const LABELS: Record<string, string> = {
  email: 'Email', firstname: 'First Name', lastname: 'Last Name', phone: 'Phone Number', mobilephone: 'Mobile Phone Number',
  company: 'Company Name', jobtitle: 'Job Title', address: 'Street Address', zip: 'Postal Code', state: 'State/Region',
  lifecyclestage: 'Lifecycle Stage', hs_lead_status: 'Lead Status', date_of_birth: 'Date of birth', hs_email_optout: 'Unsubscribed from all email',
  annualrevenue: 'Annual Revenue', hubspot_owner_id: 'Owner', createdate: 'Create Date', lastmodifieddate: 'Last Modified Date',
  hs_lastmodifieddate: 'Last Modified Date', hs_createdate: 'Create Date', hs_object_id: 'Record ID', num_associated_deals: 'Number of Associated Deals',
  num_associated_contacts: 'Number of Associated Contacts', notes_last_updated: 'Last Activity Date', name: 'Name', domain: 'Company Domain Name',
  numberofemployees: 'Number of Employees', founded_year: 'Year Founded', is_public: 'Is Public', linkedin_company_page: 'LinkedIn Company Page',
  hs_num_child_companies: 'Number of child companies', hs_parent_company_id: 'Parent Company', dealname: 'Deal Name', amount: 'Amount',
  dealstage: 'Deal Stage', pipeline: 'Pipeline', closedate: 'Close Date', dealtype: 'Deal Type', hs_priority: 'Priority',
  deal_currency_code: 'Currency', hs_deal_stage_probability: 'Deal Stage Probability', hs_is_closed: 'Is Deal Closed?',
  hs_is_closed_won: 'Is Closed Won', amount_in_home_currency: 'Amount in company currency', subject: 'Ticket name', content: 'Ticket description',
  hs_pipeline: 'Pipeline', hs_pipeline_stage: 'Ticket status', hs_ticket_priority: 'Priority', hs_ticket_category: 'Category',
  source_type: 'Source', closed_date: 'Close date', time_to_close: 'Time to close', price: 'Unit price', hs_sku: 'SKU',
  hs_cost_of_goods_sold: 'Unit cost', hs_recurring_billing_period: 'Term', hs_product_type: 'Product type',
  recurringbillingfrequency: 'Billing frequency', quantity: 'Quantity', discount: 'Unit discount', hs_discount_percentage: 'Discount Percentage',
  hs_product_id: 'Product ID', hs_line_item_currency_code: 'Currency', hs_title: 'Quote Name', hs_expiration_date: 'Expiration date',
  hs_status: 'Quote approval status', hs_quote_amount: 'Quote Amount', hs_merged_object_ids: 'Merged record IDs',
  hs_timestamp: 'Activity date', hs_attachment_ids: 'Attached file IDs', hs_note_body: 'Note body',
};

const labelOf = (name: string) =>
  LABELS[name] ??
  name
    .replace(/^hs_/, '')
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');

const optionLabel = (value: string) =>
  value
    .toLowerCase()
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');

/** What HubSpot defines on every custom object: the record id, owner and create/modify dates. */
const CUSTOM_OBJECT_ROWS: Row[] = [owner, ...crmDates('hs_createdate', 'hs_lastmodifieddate')];

/** The HubSpot-defined properties of a new custom object type, in its schema's property group. */
export function customObjectDefaultProperties(groupName: string, now: string): PropertyDefinition[] {
  return buildDefinitions([...CUSTOM_OBJECT_ROWS, ...common], groupName).map((def) => ({ ...def, createdAt: now, updatedAt: now }));
}

/** The default property definitions of a standard object type (by path name), freshly built. */
export function defaultPropertiesOf(objectTypeName: string, singular: string): PropertyDefinition[] {
  return buildDefinitions([...(ROWS[objectTypeName] ?? []), ...common], `${singular}information`);
}

function buildDefinitions(rows: Row[], groupName: string): PropertyDefinition[] {
  const seen = new Set<string>();
  const epoch = new Date(0).toISOString();
  return rows
    .filter(([name]) => (seen.has(name) ? false : (seen.add(name), true)))
    .map(([name, type, fieldType, flags = '', options = []], i) => ({
      name,
      label: labelOf(name),
      type,
      fieldType,
      description: '',
      groupName,
      options: options.map((value, displayOrder) => ({ label: optionLabel(value), value, displayOrder, hidden: false })),
      displayOrder: i,
      calculated: flags.includes('r'),
      externalOptions: flags.includes('o'),
      hasUniqueValue: flags.includes('u'),
      hidden: false,
      formField: !flags.includes('r'),
      hubspotDefined: true,
      archived: false,
      createdAt: epoch,
      updatedAt: epoch,
      ...(flags.includes('o') ? { referencedObjectType: 'OWNER' } : {}),
      dataSensitivity: 'non_sensitive' as const,
      modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: flags.includes('r'), readOnlyOptions: false },
    }));
}
