import { createEmulator, type RunningEmulator } from '../../src/emulator/app';
import type { EmulatorOptions, SeedSizes } from '../../src/emulator/options';
import { responseProblems } from './openapi';

/** Small seed sizes so tests start fast; tests that need volume pass their own. */
export const SMALL_SEED: SeedSizes = { contacts: 30, companies: 10, deals: 20, tickets: 10, products: 5, owners: 4, engagements: 20 };

export const TOKEN = 'test-token';
export const OTHER_PORTAL_TOKEN = 'other-portal-token';
export const READ_ONLY_TOKEN = 'read-only-token';
export const PORTAL_ID = 111;
export const OTHER_PORTAL_ID = 222;

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface TestEmulator extends RunningEmulator {
  /** Calls a HubSpot route with the test token; JSON in, parsed JSON out. */
  api(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string>; raw?: string }): Promise<ApiResponse>;
  /** Like api(), and also checks the answer against HubSpot's OpenAPI spec (when ../shared is present). */
  checked(method: string, path: string, body?: unknown, opts?: { token?: string | null }): Promise<ApiResponse>;
}

/** Starts an emulator on a free port with test tokens: two portals and a read-only token. */
export async function startEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const running = await createEmulator({
    tokens: [
      { token: TOKEN, portalId: PORTAL_ID, scopes: '*' },
      { token: OTHER_PORTAL_TOKEN, portalId: OTHER_PORTAL_ID, scopes: '*' },
      { token: READ_ONLY_TOKEN, portalId: PORTAL_ID, scopes: ['crm.objects.contacts.read', 'crm.objects.companies.read', 'crm.objects.deals.read', 'crm.schemas.contacts.read', 'crm.objects.owners.read'] },
    ],
    seed: SMALL_SEED,
    rateLimit: { perWindow: 100_000, windowMs: 10_000, searchPerSecond: 100_000, daily: 10_000_000, disabled: false },
    ...overrides,
  }).listen();
  const api: TestEmulator['api'] = async (method, path, body, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? TOKEN : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(running.url + path, {
      method,
      headers,
      ...(opts.raw !== undefined ? { body: opts.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  const checked: TestEmulator['checked'] = async (method, path, body, opts) => {
    const res = await api(method, path, body, opts);
    const problems = responseProblems(method, path, res.status, res.body);
    if (problems.length) throw new Error(`response to ${method} ${path} (${res.status}) breaks the spec:\n${problems.join('\n')}\nbody: ${res.text.slice(0, 800)}`);
    return res;
  };
  return { ...running, api, checked };
}
