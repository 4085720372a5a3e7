import { HubSpotError } from '../../../src/hubspot/errors';
import { hubspotGraphQLError } from '../../../src/graphql/errors';
import { redactHubSpotMessage, userErrorsOf } from '../../../src/crm/userErrors';

/** HubSpot's 400 for invalid property values, as it sends it: the values JSON-encoded in the message. */
const invalid = (problems: Array<{ name: string; error: string; message: string; value: string }>) => ({
  category: 'VALIDATION_ERROR',
  status: 400,
  message: `Property values were not valid: ${JSON.stringify(problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name, localizedErrorMessage: p.message, propertyValue: p.value })))}`,
  errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
});

describe("HubSpot's messages lose the property values they echo", () => {
  const refusal = invalid([
    { name: 'email', error: 'INVALID_EMAIL', message: 'Email address jane doe@example.com is invalid', value: 'jane doe@example.com' },
    { name: 'amount', error: 'INVALID_INTEGER', message: 'secret-number-42x was not a valid number.', value: 'secret-number-42x' },
  ]);

  test('userErrors keep the property and the reason, not the value', () => {
    const errors = userErrorsOf(refusal, ['input']);
    expect(errors).toEqual([
      { field: ['input', 'properties', 'email'], message: 'Email address <value> is invalid', code: 'INVALID' },
      { field: ['input', 'properties', 'amount'], message: '<value> was not a valid number.', code: 'INVALID' },
    ]);
    expect(JSON.stringify(userErrorsOf({ ...refusal, errors: [] }, []))).not.toMatch(/jane doe|secret-number/);
  });

  test('GraphQL errors mapped from HubSpot do not echo them either', () => {
    const e = hubspotGraphQLError(new HubSpotError({ status: 400, category: 'VALIDATION_ERROR', message: refusal.message, operation: 'POST /crm/v3/objects/{objectType}' }));
    expect(e.message).toBe('Property values were not valid: email: Email address <value> is invalid (INVALID_EMAIL); amount: <value> was not a valid number. (INVALID_INTEGER)');
  });

  test('messages without values pass unchanged', () => {
    expect(redactHubSpotMessage('Contact already exists. Existing ID: 12')).toBe('Contact already exists. Existing ID: 12');
    expect(redactHubSpotMessage('Property values were not valid: not json')).toBe('Property values were not valid: not json');
  });
});
