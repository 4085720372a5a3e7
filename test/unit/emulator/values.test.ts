import { installDefaultPipelines } from '../../../src/emulator/defaultPipelines';
import { objectTypeOf, type ObjectTypeInfo } from '../../../src/emulator/objectTypes';
import { Portal } from '../../../src/emulator/store';
import { coerceInput, normalizeProperties, normalizeValue, propertyValuesError, timeValueMs } from '../../../src/emulator/values';

const contacts = objectTypeOf('contacts')!;
const deals = objectTypeOf('deals')!;
const tickets = objectTypeOf('tickets')!;
const notes = objectTypeOf('notes')!;

function newPortal(): Portal {
  const portal = new Portal(1);
  installDefaultPipelines(portal);
  return portal;
}

/** Normalises one value of a default property, e.g. `value(contacts, 'email', 'A@B.co')`. */
function value(type: ObjectTypeInfo, name: string, raw: string, existing?: string, portal = newPortal()) {
  const def = portal.propertiesOf(type).get(name);
  if (!def) throw new Error(`no property ${name}`);
  return normalizeValue(portal, type, def, raw, existing);
}

const ok = (v: string) => ({ ok: true, value: v });
const failure = (error: string) => expect.objectContaining({ ok: false, problem: expect.objectContaining({ error }) });

describe('coerceInput', () => {
  test('numbers and booleans sent unquoted become their text; null clears', () => {
    expect(coerceInput('x')).toBe('x');
    expect(coerceInput(17)).toBe('17');
    expect(coerceInput(1.5)).toBe('1.5');
    expect(coerceInput(true)).toBe('true');
    expect(coerceInput(false)).toBe('false');
    expect(coerceInput(null)).toBe('');
  });

  test('objects, arrays and non-finite numbers are not property values', () => {
    expect(coerceInput({ a: 1 })).toBeUndefined();
    expect(coerceInput(['a'])).toBeUndefined();
    expect(coerceInput(Number.NaN)).toBeUndefined();
    expect(coerceInput(undefined)).toBeUndefined();
  });
});

describe('number values', () => {
  test.each(['17', '-3.5', '0', '0.25', '.5', '1000000'])('accepts %s as sent', (raw) => {
    expect(value(deals, 'amount', raw)).toEqual(ok(raw));
  });

  test.each(['abc', '1e5', '1.4210854715202004e-14', '12,5', '--1', '1.2.3'])('refuses %s with INVALID_INTEGER', (raw) => {
    const result = value(deals, 'amount', raw);
    expect(result).toEqual(failure('INVALID_INTEGER'));
    if (!result.ok) expect(result.problem.message).toBe(`${raw} was not a valid number.`);
  });

  test('refuses leading or trailing whitespace on non-string types', () => {
    const result = value(deals, 'amount', ' 17');
    expect(result).toEqual(failure('LEADING_TRAILING_WHITESPACE'));
    if (!result.ok) expect(result.problem.message).toBe('" 17" includes leading or trailing whitespace.');
  });
});

describe('bool values', () => {
  test('accepts true/false in any case and stores them lower-case', () => {
    expect(value(contacts, 'hs_email_optout', 'true')).toEqual(ok('true'));
    expect(value(contacts, 'hs_email_optout', 'FALSE')).toEqual(ok('false'));
  });

  test('refuses anything else as an invalid option', () => {
    expect(value(contacts, 'hs_email_optout', 'yes')).toEqual(failure('INVALID_OPTION'));
    expect(value(contacts, 'hs_email_optout', '1')).toEqual(failure('INVALID_OPTION'));
  });
});

describe('enumeration values', () => {
  test('a single-select value must be one of the options', () => {
    expect(value(contacts, 'lifecyclestage', 'lead')).toEqual(ok('lead'));
    const bad = value(contacts, 'lifecyclestage', 'prospect');
    expect(bad).toEqual(failure('INVALID_OPTION'));
    if (!bad.ok) expect(bad.problem.message).toMatch(/^prospect was not one of the allowed options: \[subscriber, lead, /);
  });

  test('multi-select values are ;-joined, each an option, duplicates dropped', () => {
    expect(value(tickets, 'hs_ticket_category', 'BILLING_ISSUE;PRODUCT_ISSUE;BILLING_ISSUE')).toEqual(ok('BILLING_ISSUE;PRODUCT_ISSUE'));
    expect(value(tickets, 'hs_ticket_category', 'BILLING_ISSUE;NOPE')).toEqual(failure('INVALID_OPTION'));
  });

  test('a leading ; appends to the stored multi-select values; without it they are replaced', () => {
    expect(value(tickets, 'hs_ticket_category', ';FEATURE_REQUEST', 'BILLING_ISSUE')).toEqual(ok('BILLING_ISSUE;FEATURE_REQUEST'));
    expect(value(tickets, 'hs_ticket_category', 'FEATURE_REQUEST', 'BILLING_ISSUE')).toEqual(ok('FEATURE_REQUEST'));
  });

  test('pipeline and stage values are the portal pipelines and stages', () => {
    expect(value(deals, 'pipeline', 'default')).toEqual(ok('default'));
    expect(value(deals, 'dealstage', 'closedwon')).toEqual(ok('closedwon'));
    expect(value(deals, 'dealstage', 'nope')).toEqual(failure('INVALID_OPTION'));
    expect(value(tickets, 'hs_pipeline_stage', '4')).toEqual(ok('4'));
  });

  test('owner values must be portal owners', () => {
    const portal = newPortal();
    expect(value(contacts, 'hubspot_owner_id', '42', undefined, portal)).toEqual(failure('INVALID_OPTION'));
    portal.owners.push({
      id: '42', email: 'o@x.co', firstName: 'O', lastName: 'W', userId: 1, userIdIncludingInactive: 1, type: 'PERSON', teams: [],
      createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', archived: false,
    });
    expect(value(contacts, 'hubspot_owner_id', '42', undefined, portal)).toEqual(ok('42'));
  });

  test('an enumeration with no option list (file ids) takes any value', () => {
    expect(value(notes, 'hs_attachment_ids', '123;456')).toEqual(ok('123;456'));
  });
});

describe('date values (midnight UTC, stored as epoch ms)', () => {
  test('accepts midnight epoch ms, YYYY-MM-DD and midnight ISO timestamps', () => {
    expect(value(contacts, 'date_of_birth', '1572480000000')).toEqual(ok('1572480000000'));
    expect(value(contacts, 'date_of_birth', '2019-10-31')).toEqual(ok('1572480000000'));
    expect(value(contacts, 'date_of_birth', '2019-10-31T00:00:00Z')).toEqual(ok('1572480000000'));
    expect(value(contacts, 'date_of_birth', '-86400000')).toEqual(ok('-86400000'));
  });

  test('refuses other times with HubSpot INVALID_DATE wording', () => {
    const result = value(contacts, 'date_of_birth', '1606768561954');
    expect(result).toEqual(failure('INVALID_DATE'));
    if (!result.ok) expect(result.problem.message).toBe('1606768561954 is at 20:36:1.954 UTC, not midnight!');
  });

  test('refuses text that is no date', () => {
    expect(value(contacts, 'date_of_birth', 'tomorrow')).toEqual(failure('INVALID_DATE'));
    expect(value(contacts, 'date_of_birth', '2019-13-45')).toEqual(failure('INVALID_DATE'));
  });
});

describe('datetime values (stored as ISO-8601 UTC)', () => {
  test('epoch ms and ISO with any offset become UTC ISO strings', () => {
    expect(value(deals, 'closedate', '1704875400000')).toEqual(ok('2024-01-10T08:30:00.000Z'));
    expect(value(deals, 'closedate', '2024-01-10T09:30:00+01:00')).toEqual(ok('2024-01-10T08:30:00.000Z'));
    expect(value(deals, 'closedate', '2024-01-10T08:30:00Z')).toEqual(ok('2024-01-10T08:30:00.000Z'));
    expect(value(deals, 'closedate', '2024-01-10')).toEqual(ok('2024-01-10T00:00:00.000Z'));
  });

  test('refuses text that is no time', () => {
    expect(value(deals, 'closedate', 'next week')).toEqual(failure('INVALID_DATE'));
    expect(value(deals, 'closedate', '10/01/2024')).toEqual(failure('INVALID_DATE'));
  });
});

describe('string values', () => {
  test('strings are kept as sent, whitespace included', () => {
    expect(value(contacts, 'firstname', '  Ann ')).toEqual(ok('  Ann '));
  });

  test('contact emails must look like addresses and are lower-cased', () => {
    expect(value(contacts, 'email', 'Ann.Lee@Example.COM')).toEqual(ok('ann.lee@example.com'));
    const bad = value(contacts, 'email', 'not-an-email');
    expect(bad).toEqual(failure('INVALID_EMAIL'));
    if (!bad.ok) expect(bad.problem.message).toBe('Email address not-an-email is invalid');
  });

  test('the empty string is valid for every type: it clears', () => {
    for (const [type, name] of [[deals, 'amount'], [contacts, 'date_of_birth'], [contacts, 'lifecyclestage'], [contacts, 'email']] as const) {
      expect(value(type, name, '')).toEqual(ok(''));
    }
  });
});

describe('normalizeProperties', () => {
  test('normalises every value and collects every problem', () => {
    const portal = newPortal();
    const { values, problems } = normalizeProperties(portal, contacts, {
      firstname: 'Ann',
      hs_email_optout: true,
      foo: 'x',
      hs_object_id: '5',
      date_of_birth: '2020-01-01',
      lifecyclestage: 'nope',
      jobtitle: { nested: true },
    });
    expect(values).toEqual({ firstname: 'Ann', hs_email_optout: 'true', date_of_birth: '1577836800000' });
    expect(problems.map((p) => [p.name, p.error])).toEqual([
      ['foo', 'PROPERTY_DOESNT_EXIST'],
      ['hs_object_id', 'READ_ONLY_VALUE'],
      ['lifecyclestage', 'INVALID_OPTION'],
      ['jobtitle', 'INVALID_PROPERTY_VALUE'],
    ]);
  });

  test('archived property definitions count as missing', () => {
    const portal = newPortal();
    portal.propertiesOf(contacts).get('jobtitle')!.archived = true;
    expect(normalizeProperties(portal, contacts, { jobtitle: 'CEO' }).problems[0]?.error).toBe('PROPERTY_DOESNT_EXIST');
  });
});

describe('propertyValuesError', () => {
  test('is HubSpot 400 with the problems JSON in the message and one errors[] entry each', () => {
    const e = propertyValuesError([{ name: 'foo', error: 'PROPERTY_DOESNT_EXIST', message: 'Property "foo" does not exist' }]);
    expect(e.status).toBe(400);
    expect(e.category).toBe('VALIDATION_ERROR');
    expect(e.message).toBe(
      'Property values were not valid: [{"isValid":false,"message":"Property \\"foo\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"foo","localizedErrorMessage":"Property \\"foo\\" does not exist"}]',
    );
    expect(e.extra.errors).toEqual([{ message: 'Property "foo" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['foo'] } }]);
  });
});

describe('timeValueMs', () => {
  test('reads epoch ms, dates and ISO timestamps; nothing else', () => {
    expect(timeValueMs('1572480000000')).toBe(1572480000000);
    expect(timeValueMs('2019-10-31')).toBe(1572480000000);
    expect(timeValueMs('2019-10-31T00:00:00.000Z')).toBe(1572480000000);
    expect(timeValueMs('yesterday')).toBeUndefined();
  });
});
