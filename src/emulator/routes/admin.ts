import { Router, type Request } from 'express';
import { HubSpotHttpError } from '../errors';
import { FAULT_KINDS, type FaultKind, type FaultRule, type LatencyOptions, type RateLimitOptions } from '../options';
import type { EmulatorState } from '../state';


function parseFaults(value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw new HubSpotHttpError(400, 'VALIDATION_ERROR', 'faults must be an array of {kind, rate, route?, method?}');
  return value.map((f: Record<string, unknown>, i) => {
    if (!(FAULT_KINDS as readonly string[]).includes(f?.kind as string)) {
      throw new HubSpotHttpError(400, 'VALIDATION_ERROR', `faults[${i}].kind must be one of ${FAULT_KINDS.join(', ')}`);
    }
    if (typeof f.rate !== 'number' || f.rate < 0 || f.rate > 1) {
      throw new HubSpotHttpError(400, 'VALIDATION_ERROR', `faults[${i}].rate must be a number from 0 to 1`);
    }
    if (f.route !== undefined) {
      try {
        new RegExp(String(f.route));
      } catch {
        throw new HubSpotHttpError(400, 'VALIDATION_ERROR', `faults[${i}].route is not a valid regular expression`);
      }
    }
    return {
      kind: f.kind as FaultKind,
      rate: f.rate,
      ...(f.route !== undefined ? { route: String(f.route) } : {}),
      ...(f.method !== undefined ? { method: String(f.method) } : {}),
    };
  });
}

function nonNegative(body: Record<string, unknown>, key: string, fallback: number): number {
  const v = body[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new HubSpotHttpError(400, 'VALIDATION_ERROR', `${key} must be a non-negative number`);
  return v;
}

const bodyOf = (req: Request) => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

/**
 * The emulator's own control surface (not part of HubSpot's API): fault injection, latency, rate limits,
 * the request log and a reset to the seeded state (custom object schemas included: a reset brings back the seeded
 * `cars` and drops schemas created since). Paths start with `/__emulator`.
 */
export function adminRoutes(state: EmulatorState): Router {
  const r = Router();
  r.get('/config', (_req, res) => {
    const { faults, latency, rateLimit, seed, seedValue, timeoutFaultMs } = state.options;
    // Each portal's custom object types (the seeded `cars` and any created since), so a test or a developer can see them.
    const customObjects = Object.fromEntries(
      [...state.portals.values()].map((portal) => [
        portal.portalId,
        [...portal.schemas.list(false), ...portal.schemas.list(true)].map((s) => ({
          objectTypeId: s.objectTypeId,
          fullyQualifiedName: s.fullyQualifiedName,
          archived: s.archived,
          records: portal.recordsOf(s.type).size,
        })),
      ]),
    );
    res.json({ faults, latency, rateLimit, seed, seedValue, timeoutFaultMs, portals: [...state.portals.keys()], customObjects });
  });
  r.put('/faults', (req, res) => {
    const body = bodyOf(req);
    state.options.faults = parseFaults(body.faults ?? []);
    if (body.timeoutFaultMs !== undefined) state.options.timeoutFaultMs = nonNegative(body, 'timeoutFaultMs', 30_000);
    res.json({ faults: state.options.faults, timeoutFaultMs: state.options.timeoutFaultMs });
  });
  r.put('/latency', (req, res) => {
    const body = bodyOf(req);
    const latency: LatencyOptions = { fixedMs: nonNegative(body, 'fixedMs', 0), jitterMs: nonNegative(body, 'jitterMs', 0) };
    state.options.latency = latency;
    res.json(latency);
  });
  r.put('/rate-limits', (req, res) => {
    const body = bodyOf(req);
    const cur = state.options.rateLimit;
    const next: RateLimitOptions = {
      perWindow: nonNegative(body, 'perWindow', cur.perWindow),
      windowMs: nonNegative(body, 'windowMs', cur.windowMs),
      searchPerSecond: nonNegative(body, 'searchPerSecond', cur.searchPerSecond),
      daily: nonNegative(body, 'daily', cur.daily),
      disabled: body.disabled === undefined ? cur.disabled : body.disabled === true,
    };
    state.options.rateLimit = next;
    state.limiter.options = next;
    state.limiter.reset();
    res.json(next);
  });
  r.get('/requests', (req, res) => {
    const since = Number(req.query.since ?? 0);
    res.json({ lastSeq: state.log.lastSeq, results: state.log.list(Number.isFinite(since) ? since : 0) });
  });
  r.delete('/requests', (_req, res) => {
    state.log.clear();
    res.status(204).end();
  });
  r.post('/reset', (_req, res) => {
    state.reset();
    res.status(204).end();
  });
  r.use((req: Request) => {
    throw new HubSpotHttpError(404, 'OBJECT_NOT_FOUND', `No emulator admin route ${req.method} ${req.path}`);
  });
  return r;
}
