import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Kind } from 'graphql';
import { graphqlUploads, UploadedFile, UploadScalar } from '../../../src/server/upload';

// The graphql-multipart-request middleware on its own: a tiny app echoes what Apollo would receive as req.body.
describe('graphqlUploads middleware', () => {
  const MAX_BYTES = 100;
  const MAX_FIELD_BYTES = 2048;
  let server: Server;
  let url: string;
  let handled = 0;

  beforeAll(async () => {
    const app = express();
    app.post('/graphql', graphqlUploads({ maxFileBytes: MAX_BYTES, maxFiles: 2, maxFieldBytes: MAX_FIELD_BYTES }), express.json(), (req, res) => {
      handled++;
      // Files become a visible description so the test can see where they landed.
      res.json(JSON.parse(JSON.stringify(req.body ?? null, (_k, v) => (v instanceof UploadedFile ? { file: v.filename, mimetype: v.mimetype, size: v.size, text: v.buffer.toString('utf8') } : v))));
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  const OPERATIONS = JSON.stringify({ query: 'mutation ($file: Upload!) { fileUpload(file: $file) { __typename } }', variables: { file: null } });

  /** Parts in the given order: [name, string] for fields, [name, {text, filename}] for files. */
  function body(parts: Array<[string, string | { text: string; filename: string; type?: string }]>): FormData {
    const f = new FormData();
    for (const [name, value] of parts) {
      if (typeof value === 'string') f.append(name, value);
      else f.append(name, new Blob([value.text], { type: value.type ?? 'text/plain' }), value.filename);
    }
    return f;
  }

  async function send(form: FormData | string, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }) {
    const res = await fetch(url, { method: 'POST', headers, body: form });
    return { status: res.status, body: await res.json() };
  }

  async function refused(form: FormData, status: number, code: string, message: RegExp) {
    const before = handled;
    const res = await send(form);
    expect(res.status).toBe(status);
    expect(res.body.errors[0].extensions.code).toBe(code);
    expect(res.body.errors[0].message).toMatch(message);
    expect(handled).toBe(before);
  }

  test('puts each file at its mapped path and hands the operations on as req.body', async () => {
    const res = await send(body([['operations', OPERATIONS], ['map', '{"0":["variables.file"]}'], ['0', { text: 'hello', filename: 'hello.txt' }]]));
    expect(res.status).toBe(200);
    expect(res.body.variables.file).toEqual({ file: 'hello.txt', mimetype: 'text/plain', size: 5, text: 'hello' });
    expect(res.body.query).toContain('fileUpload');
  });

  test('lists, one file at several paths, batched operations, and unmapped parts ignored', async () => {
    const operations = JSON.stringify([{ query: 'q', variables: { files: [null, null], again: null } }, { query: 'q2', variables: { file: null } }]);
    const map = JSON.stringify({ a: ['0.variables.files.0', '1.variables.file'], b: ['0.variables.files.1', '0.variables.again'] });
    const res = await send(body([['operations', operations], ['map', map], ['a', { text: 'A', filename: 'a.txt' }], ['b', { text: 'BB', filename: 'b.txt' }]]));
    expect(res.status).toBe(200);
    expect(res.body[0].variables.files.map((f: { text: string }) => f.text)).toEqual(['A', 'BB']);
    expect(res.body[0].variables.again.text).toBe('BB');
    expect(res.body[1].variables.file.text).toBe('A');
    const extra = await send(body([['operations', OPERATIONS], ['map', '{"0":["variables.file"]}'], ['0', { text: 'x', filename: 'x.txt' }], ['stray', { text: 'y', filename: 'y.txt' }]]));
    expect(extra.status).toBe(200);
    expect(extra.body.variables.file.text).toBe('x');
  });

  test('a file of exactly the limit passes; one byte more is 413 BAD_USER_INPUT', async () => {
    const exact = await send(body([['operations', OPERATIONS], ['map', '{"0":["variables.file"]}'], ['0', { text: 'x'.repeat(MAX_BYTES), filename: 'exact.txt' }]]));
    expect(exact.status).toBe(200);
    expect(exact.body.variables.file.size).toBe(MAX_BYTES);
    await refused(body([['operations', OPERATIONS], ['map', '{"0":["variables.file"]}'], ['0', { text: 'x'.repeat(MAX_BYTES + 1), filename: 'big.txt' }]]), 413, 'BAD_USER_INPUT', new RegExp(`larger than the upload limit of ${MAX_BYTES} bytes`));
    await refused(body([['operations', OPERATIONS], ['map', '{"0":["variables.file"]}'], ['0', { text: 'x'.repeat(MAX_BYTES * 50), filename: 'huge.txt' }]]), 413, 'BAD_USER_INPUT', /larger than the upload limit/);
  });

  test('operations or map larger than the body limit (maxFieldBytes) is 413 BAD_USER_INPUT', async () => {
    const operations = JSON.stringify({ query: `q ${'#'.repeat(MAX_FIELD_BYTES)}`, variables: { file: null } });
    await refused(body([['operations', operations], ['map', '{"0":["variables.file"]}'], ['0', { text: 'x', filename: 'a.txt' }]]), 413, 'BAD_USER_INPUT', new RegExp(`'operations' is larger than ${MAX_FIELD_BYTES} bytes`));
  });

  test('too many files: in the map, or as parts', async () => {
    const operations = JSON.stringify({ query: 'q', variables: { a: null, b: null, c: null } });
    await refused(body([['operations', operations], ['map', '{"0":["variables.a"],"1":["variables.b"],"2":["variables.c"]}']]), 413, 'BAD_USER_INPUT', /At most 2 files/);
    const parts: Array<[string, string | { text: string; filename: string }]> = [['operations', operations], ['map', '{"0":["variables.a"]}']];
    for (const n of ['0', 'x', 'y']) parts.push([n, { text: n, filename: `${n}.txt` }]);
    await refused(body(parts), 413, 'BAD_USER_INPUT', /At most 2 files/);
  });

  test.each([
    ['operations that are not JSON', [['operations', '{"query":'], ['map', '{}']], /'operations' is not valid JSON/],
    ['operations that are not an object', [['operations', '"query"'], ['map', '{}']], /must be a JSON object/],
    ['a map that is not JSON', [['operations', OPERATIONS], ['map', '{0:']], /'map' is not valid JSON/],
    ['a map that is not an object', [['operations', OPERATIONS], ['map', '["variables.file"]']], /must be a JSON object of file part names/],
    ['a map entry that is not a list of paths', [['operations', OPERATIONS], ['map', '{"0":"variables.file"}']], /non-empty array of paths/],
    ['a map path outside the operations', [['operations', OPERATIONS], ['map', '{"0":["variables.nope.deeper"]}']], /does not lead into the operations/],
    ['a map path through __proto__', [['operations', OPERATIONS], ['map', '{"0":["__proto__.polluted"]}']], /not a valid path/],
    ['a map before the operations', [['map', '{"0":["variables.file"]}'], ['operations', OPERATIONS]], /'map' must come after 'operations'/],
    ['a file before the map', [['operations', OPERATIONS], ['0', { text: 'x', filename: 'x.txt' }], ['map', '{"0":["variables.file"]}']], /must come after the 'operations' and 'map'/],
    ['a mapped file that never comes', [['operations', OPERATIONS], ['map', '{"0":["variables.file"]}']], /names file part '0' but the request has no such part/],
    ['no operations', [['map', '{}']], /'map' must come after 'operations'/],
    ['no map', [['operations', OPERATIONS]], /has no 'map' field/],
    ['operations sent twice', [['operations', OPERATIONS], ['operations', OPERATIONS], ['map', '{}']], /sent twice/],
  ] as Array<[string, Array<[string, string | { text: string; filename: string }]>, RegExp]>)('%s is 400 BAD_REQUEST', async (_what, parts, message) => {
    await refused(body(parts), 400, 'BAD_REQUEST', message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a multipart body without a boundary is 400', async () => {
    const res = await send('--x\r\n', { 'content-type': 'multipart/form-data', 'apollo-require-preflight': 'true' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  test("without Apollo's preflight header the request is refused as possible CSRF, before its body is read", async () => {
    const before = handled;
    const res = await send(body([['operations', OPERATIONS], ['map', '{"0":["variables.file"]}'], ['0', { text: 'x', filename: 'x.txt' }]]), {});
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
    expect(handled).toBe(before);
    const named = await send(body([['operations', OPERATIONS], ['map', '{"0":["variables.file"]}'], ['0', { text: 'x', filename: 'x.txt' }]]), { 'x-apollo-operation-name': 'Upload' });
    expect(named.status).toBe(200);
  });

  test('requests that are not multipart pass through untouched', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ a }"}' });
    expect(await res.json()).toEqual({ query: '{ a }' });
  });
});

describe('Upload scalar', () => {
  test('takes only uploaded files; never a literal, never output', () => {
    const file = new UploadedFile('a.txt', 'text/plain', '7bit', Buffer.from('a'));
    expect(UploadScalar.parseValue(file)).toBe(file);
    expect(() => UploadScalar.parseValue('a.txt')).toThrow(/multipart request/);
    expect(() => UploadScalar.parseLiteral({ kind: Kind.STRING, value: 'x' })).toThrow(/cannot be written in the query/);
    expect(() => UploadScalar.serialize(file)).toThrow(/input-only/);
  });
});
