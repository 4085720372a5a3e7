import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sendError } from '../../../src/server/httpErrors';

describe('sendError', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.get('/plain', (_req, res) => sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'JSON only'));
    app.get('/headers', (_req, res) => sendError(res, 400, 'BAD_REQUEST', 'no', { 'cache-control': 'no-store' }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('answers the status with a GraphQL-shaped coded error body', async () => {
    const res = await fetch(`${base}/plain`);
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ errors: [{ message: 'JSON only', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] });
  });

  test('sets the extra headers given', async () => {
    const res = await fetch(`${base}/headers`);
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ errors: [{ message: 'no', extensions: { code: 'BAD_REQUEST' } }] });
  });
});
