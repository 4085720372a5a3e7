import { Router, type RequestHandler } from 'express';
import { portalOf, stateOf } from '../context';

/** Account info v3: portal details and the daily API usage of private apps (account-info-v3*.json). */
export function accountRoutes(): Router {
  const r = Router();
  r.get('/account-info/v3/details', (_req, res) => {
    res.json(portalOf(res).details);
  });
  const usage: RequestHandler = (req, res) => {
    const state = stateOf(req);
    const now = new Date();
    const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    res.json({
      results: [
        {
          name: 'private-apps-api-calls-daily',
          usageLimit: state.options.rateLimit.daily,
          currentUsage: state.limiter.dailyUsage(portalOf(res).portalId),
          collectedAt: now.toISOString(),
          resetsAt: resetsAt.toISOString(),
          fetchStatus: 'SUCCESS',
        },
      ],
    });
  };
  r.get('/account-info/v3/api-usage/daily/private-apps', usage);
  r.get('/account-info/v3/api-usage/daily', usage);
  return r;
}
