import type { NextFunction, Request, Response } from 'express';
import { HubSpotHttpError } from './errors';
import type { FaultRule } from './options';
import type { EmulatorState } from './state';

/** Picks the fault (if any) for a request: the first matching rule whose dice roll hits. */
export function pickFault(state: EmulatorState, method: string, path: string): FaultRule | undefined {
  for (const rule of state.options.faults) {
    if (rule.method && rule.method.toUpperCase() !== method) continue;
    if (rule.route && !new RegExp(rule.route).test(path)) continue;
    if (state.faultRandom.next() < rule.rate) return rule;
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Latency and fault injection for HubSpot routes. Status faults answer with HubSpot-like bodies; `timeout`
 * holds the request and then drops the connection; `lost-response` runs the route but never answers; `reset` drops it at once; `truncated` lets the route answer
 * and then cuts its body in half (Content-Length still announcing the whole), so clients see bad JSON.
 */
export function faultMiddleware(state: EmulatorState) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const { fixedMs, jitterMs } = state.options.latency;
    const delay = fixedMs + (jitterMs ? Math.floor(state.faultRandom.next() * jitterMs) : 0);
    if (delay > 0) await sleep(delay);
    const fault = pickFault(state, req.method, req.path);
    if (!fault) return next();
    res.locals.fault = fault.kind;
    switch (fault.kind) {
      case '429':
        throw new HubSpotHttpError(429, 'RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', {
          body: { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
        });
      case '500':
        throw new HubSpotHttpError(500, 'INTERNAL_ERROR', 'internal error');
      case '502':
        res.status(502).type('text/html').send('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      case '503':
        throw new HubSpotHttpError(503, 'SERVICE_UNAVAILABLE', 'Service Unavailable', { headers: { 'Retry-After': '1' } });
      case 'timeout': {
        // unref: a held request must not keep a process (or a test worker) alive.
        const timer = setTimeout(() => req.socket.destroy(), state.options.timeoutFaultMs).unref();
        req.socket.once('close', () => clearTimeout(timer));
        return;
      }
      case 'lost-response': {
        // The route runs (a write is applied); its answer is swallowed and the connection dropped later.
        res.send = (() => {
          const timer = setTimeout(() => req.socket.destroy(), state.options.timeoutFaultMs).unref();
          req.socket.once('close', () => clearTimeout(timer));
          return res;
        }) as Response['send'];
        res.end = (() => res) as unknown as Response['end'];
        return next();
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'truncated': {
        const send = res.send.bind(res);
        res.send = ((body?: unknown) => {
          const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
          const bytes = Buffer.from(text, 'utf8');
          res.setHeader('Content-Type', 'application/json;charset=utf-8');
          res.setHeader('Content-Length', String(bytes.length));
          res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))));
          setImmediate(() => req.socket.destroy());
          void send;
          return res;
        }) as Response['send'];
        return next();
      }
    }
  };
}
