import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../src/context';
import { invalid, metadataWrite, type Checked, type RefusalFields } from '../src/crm/metadataWrite';
import { isInputProblem, isOutcomeUnknown, outcomeUnknown, type UserError } from '../src/crm/userErrors';
import type {
  Resolvers,
  WebhookEventType,
  WebhookSettings,
  WebhookSettingsInput,
  WebhookSubscription,
  WebhookSubscriptionActiveInput,
  WebhookSubscriptionCreateInput,
} from '../src/generated/graphql';
import { HubSpotError } from '../src/hubspot/errors';
import {
  SUBSCRIPTION_BATCH_LIMIT,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventTypeName,
  type WebhookSettingsResponse,
  type WebhookSubscriptionCreate,
  type WebhookSubscriptionResponse,
  type WebhooksApi,
} from '../src/hubspot/webhooks';

/**
 * The one table between HubSpot's event type names and the GraphQL enum (which cannot hold dots):
 * `contact.propertyChange` ⇄ `CONTACT_PROPERTY_CHANGE`, `line_item.creation` ⇄ `LINE_ITEM_CREATION`.
 */
export const EVENT_TYPE_TABLE: ReadonlyArray<readonly [WebhookEventType, WebhookEventTypeName]> = WEBHOOK_EVENT_TYPES.map(
  (name) => [name.replace('.', '_').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() as WebhookEventType, name] as const,
);
const HUBSPOT_NAME = new Map<WebhookEventType, WebhookEventTypeName>(EVENT_TYPE_TABLE);
const GRAPHQL_NAME = new Map<string, WebhookEventType>(EVENT_TYPE_TABLE.map(([g, h]) => [h, g]));

/** HubSpot's concurrency bounds [unc above 10, HubSpot's default]; checked before any call. */
const MIN_CONCURRENT_REQUESTS = 5;
const MAX_CONCURRENT_REQUESTS = 100;
/** Subscription ids are int32 in HubSpot's paths. */
const SUBSCRIPTION_ID = /^\d{1,10}$/;
const isSubscriptionId = (id: string) => SUBSCRIPTION_ID.test(id) && Number(id) <= 2147483647;

/** The configured app's webhooks API, or a clear refusal when the gateway has no developer credential. */
function webhooksOf(ctx: GatewayContext): WebhooksApi {
  const api = ctx.hubspot.webhooks;
  if (!api.app) {
    throw new GraphQLError(
      "Webhook settings belong to an app and need its developer credential: HUBSPOT_APP_ID and HUBSPOT_DEVELOPER_API_KEY are not set.",
      { extensions: { code: 'FORBIDDEN' } },
    );
  }
  return api;
}

const toSettings = (s: WebhookSettingsResponse): WebhookSettings => ({
  targetUrl: s.targetUrl,
  maxConcurrentRequests: s.throttling.maxConcurrentRequests,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt ?? null,
});

const toSubscription = (s: WebhookSubscriptionResponse): WebhookSubscription => ({
  id: s.id,
  eventType: GRAPHQL_NAME.get(s.eventType) ?? null,
  hubspotEventType: s.eventType,
  propertyName: s.propertyName ?? null,
  objectTypeId: s.objectTypeId ?? null,
  eventTypeName: s.eventTypeName ?? null,
  active: s.active,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt ?? null,
});

/** A refused write points at the id for a 404, otherwise at the input. */
const writeOf = <T>(fields: RefusalFields, run: () => Promise<T>) => metadataWrite(run, fields, async () => {});

function checkSettings(input: WebhookSettingsInput): Checked<{ targetUrl: string; throttling: { maxConcurrentRequests: number } }> {
  const errors: UserError[] = [];
  let url: URL | undefined;
  try {
    url = new URL(input.targetUrl);
  } catch {
    // reported below
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) errors.push(invalid(['input', 'targetUrl'], `targetUrl must be an absolute https URL; got '${input.targetUrl}'.`));
  const n = input.maxConcurrentRequests;
  if (n < MIN_CONCURRENT_REQUESTS || n > MAX_CONCURRENT_REQUESTS) {
    errors.push(invalid(['input', 'maxConcurrentRequests'], `maxConcurrentRequests must be from ${MIN_CONCURRENT_REQUESTS} to ${MAX_CONCURRENT_REQUESTS}; got ${n}.`));
  }
  return errors.length ? { ok: false, userErrors: errors } : { ok: true, value: { targetUrl: input.targetUrl, throttling: { maxConcurrentRequests: n } } };
}

/** HubSpot's rules on which event types take which extra field, checked before any call. */
function checkSubscription(input: WebhookSubscriptionCreateInput): Checked<WebhookSubscriptionCreate> {
  const eventType = HUBSPOT_NAME.get(input.eventType)!;
  const errors: UserError[] = [];
  const given = (v: string | null | undefined) => v !== undefined && v !== null && v.trim() !== '';
  const propertyChange = eventType.endsWith('.propertyChange');
  if (propertyChange !== given(input.propertyName)) {
    errors.push(invalid(['input', 'propertyName'], propertyChange ? `${input.eventType} needs propertyName: the property whose changes to send.` : `propertyName applies only to *_PROPERTY_CHANGE event types, not ${input.eventType}.`));
  }
  const objectEvent = eventType.startsWith('object.');
  if (objectEvent !== given(input.objectTypeId)) {
    errors.push(invalid(['input', 'objectTypeId'], objectEvent ? `${input.eventType} needs objectTypeId, e.g. 2-123.` : `objectTypeId applies only to OBJECT_* event types, not ${input.eventType}.`));
  }
  if (given(input.eventTypeName) && eventType !== 'event.completed') {
    errors.push(invalid(['input', 'eventTypeName'], `eventTypeName applies only to EVENT_COMPLETED, not ${input.eventType}.`));
  }
  if (errors.length) return { ok: false, userErrors: errors };
  return {
    ok: true,
    value: {
      eventType,
      ...(given(input.propertyName) ? { propertyName: input.propertyName! } : {}),
      ...(given(input.objectTypeId) ? { objectTypeId: input.objectTypeId! } : {}),
      ...(given(input.eventTypeName) ? { eventTypeName: input.eventTypeName! } : {}),
      active: input.active ?? false,
    },
  };
}

const badId = (field: string[], id: string) => invalid(field, `'${id}' is not a subscription id (HubSpot's ids are integers).`);

/**
 * Activates or pauses subscriptions in ≤ 100-input HubSpot calls. Results are laid back onto the inputs by
 * id (an id given twice gets the result twice), never by position; ids HubSpot did not find (its 207 errors
 * name them) become NOT_FOUND on their inputs.
 */
async function batchSetActive(api: WebhooksApi, inputs: readonly WebhookSubscriptionActiveInput[]) {
  const subscriptions: Array<WebhookSubscription | null> = inputs.map(() => null);
  const userErrors: UserError[] = [];
  const valid: Array<{ input: WebhookSubscriptionActiveInput; index: number }> = [];
  inputs.forEach((input, index) => {
    if (isSubscriptionId(input.id)) valid.push({ input, index });
    else userErrors.push(badId(['inputs', String(index), 'id'], input.id));
  });
  const chunks: Array<typeof valid> = [];
  for (let i = 0; i < valid.length; i += SUBSCRIPTION_BATCH_LIMIT) chunks.push(valid.slice(i, i + SUBSCRIPTION_BATCH_LIMIT));
  await Promise.all(
    chunks.map(async (chunk) => {
      const indexesOf = (id: string) => chunk.filter((c) => Number(c.input.id) === Number(id)).map((c) => c.index);
      try {
        const res = await api.batchSetActive(chunk.map((c) => ({ id: Number(c.input.id), active: c.input.active })));
        for (const s of res.results) for (const i of indexesOf(s.id)) subscriptions[i] = toSubscription(s);
        for (const e of res.errors ?? []) {
          const ids = e.context?.subscriptionIds ?? [];
          const at = ids.flatMap((id) => indexesOf(id).map((i) => ({ i, id })));
          if (!at.length) userErrors.push({ field: ['inputs'], message: e.message, code: 'INVALID' });
          for (const { i, id } of at) userErrors.push({ field: ['inputs', String(i), 'id'], message: `Subscription ${id} does not exist.`, code: 'NOT_FOUND' });
        }
      } catch (e) {
        if (isInputProblem(e)) userErrors.push({ field: chunk.length === 1 ? ['inputs', String(chunk[0]!.index)] : ['inputs'], message: e.message, code: e.status === 404 ? 'NOT_FOUND' : 'INVALID' });
        else if (isOutcomeUnknown(e)) userErrors.push(...chunk.map((c) => outcomeUnknown(e, ['inputs', String(c.index)])));
        else throw e;
      }
    }),
  );
  return { subscriptions, userErrors: userErrors.sort((a, b) => Number(a.field?.[1] ?? -1) - Number(b.field?.[1] ?? -1)) };
}

/** Webhook settings and subscriptions of the configured app (webhooks v3, authenticated with its developer key). */
export const webhookResolvers: Resolvers = {
  Query: {
    // No settings is an answer, not an error: HubSpot's 404 (or an emptied target URL) reads as null.
    webhookSettings: async (_root, _args, ctx) => {
      try {
        const settings = await webhooksOf(ctx).settings();
        return settings.targetUrl ? toSettings(settings) : null;
      } catch (e) {
        if (e instanceof HubSpotError && e.status === 404) return null;
        throw e;
      }
    },
    webhookSubscriptions: async (_root, _args, ctx) => (await webhooksOf(ctx).subscriptions()).results.map(toSubscription),
  },
  Mutation: {
    webhookSettingsUpdate: async (_root, { input }, ctx) => {
      const api = webhooksOf(ctx);
      const body = checkSettings(input);
      if (!body.ok) return { settings: null, userErrors: body.userErrors };
      const r = await writeOf({ notFound: null, invalid: ['input'] }, () => api.updateSettings(body.value));
      return { settings: r.value && toSettings(r.value), userErrors: r.userErrors };
    },
    webhookSettingsDelete: async (_root, _args, ctx) => {
      const api = webhooksOf(ctx);
      const r = await writeOf({ notFound: null, invalid: null }, async () => (await api.deleteSettings(), true));
      return { deleted: r.value === true, userErrors: r.userErrors };
    },
    webhookSubscriptionCreate: async (_root, { input }, ctx) => {
      const api = webhooksOf(ctx);
      const body = checkSubscription(input);
      if (!body.ok) return { subscription: null, userErrors: body.userErrors };
      const r = await writeOf({ notFound: null, invalid: ['input'] }, () => api.createSubscription(body.value));
      return { subscription: r.value && toSubscription(r.value), userErrors: r.userErrors };
    },
    webhookSubscriptionUpdate: async (_root, { id, active }, ctx) => {
      const api = webhooksOf(ctx);
      if (!isSubscriptionId(id)) return { subscription: null, userErrors: [badId(['id'], id)] };
      const r = await writeOf({ notFound: ['id'], invalid: ['active'] }, () => api.setActive(id, active));
      return { subscription: r.value && toSubscription(r.value), userErrors: r.userErrors };
    },
    webhookSubscriptionDelete: async (_root, { id }, ctx) => {
      const api = webhooksOf(ctx);
      if (!isSubscriptionId(id)) return { deletedId: null, userErrors: [badId(['id'], id)] };
      const r = await writeOf({ notFound: ['id'], invalid: ['id'] }, async () => (await api.deleteSubscription(id), id));
      return { deletedId: r.value, userErrors: r.userErrors };
    },
    webhookSubscriptionsBatchUpdate: async (_root, { inputs }, ctx) => batchSetActive(webhooksOf(ctx), inputs),
  },
};
