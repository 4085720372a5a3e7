import { HubSpotClient } from '../../src/hubspot/client';
import { Transport } from '../../src/hubspot/transport';
import { OTHER_PORTAL_TOKEN, READ_ONLY_TOKEN, startEmulator, TOKEN, type ApiResponse, type TestEmulator } from '../helpers/emulator';
import { eventually, form, png, startSourceServer, type SourceServer } from '../helpers/files';
import { describeWithSpecs, requestProblems, responseProblems } from '../helpers/openapi';

/** The emulator's size limit in these tests: small, so that "too large" is cheap to send. */
const MAX_BYTES = 64 * 1024;

// Files v3 (files-v3.json): every route, with valid and invalid input, each answer checked against the spec.
describeWithSpecs('files v3 contract', () => {
  let emu: TestEmulator;
  let source: SourceServer;

  beforeAll(async () => {
    emu = await startEmulator({ fileMaxBytes: MAX_BYTES });
    source = await startSourceServer();
  });
  afterAll(async () => {
    await source.close();
    await emu.close();
  });

  /** Sends a multipart request (fetch with FormData) and parses the answer like emu.api. */
  async function multipart(method: 'POST' | 'PUT', path: string, body: FormData, token = TOKEN): Promise<ApiResponse> {
    const res = await fetch(emu.url + path, { method, headers: { authorization: `Bearer ${token}` }, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
  }

  /** Checks an answer against the spec operation of `specPath` (a one-segment stand-in for wildcard paths). */
  function expectSpec(method: string, specPath: string, res: ApiResponse): void {
    expect(responseProblems(method, specPath, res.status, res.body)).toEqual([]);
  }

  async function uploadFile(fields: Record<string, string>, file: { bytes: Buffer | string; name: string; type?: string } = { bytes: png(4, 3), name: 'pixel.png' }) {
    const res = await multipart('POST', '/files/v3/files', form({ options: JSON.stringify({ access: 'PRIVATE' }), ...fields }, file));
    expectSpec('POST', '/files/v3/files', res);
    return res;
  }

  describe('upload', () => {
    test('201 with the File: name, extension, path, type, size, image size, md5, Location; a missing folder path is created', async () => {
      const bytes = png(640, 480);
      const res = await uploadFile({ folderPath: '/contract/upload', fileName: 'logo.png', options: JSON.stringify({ access: 'PUBLIC_INDEXABLE', ttl: 'P3M' }) }, { bytes, name: 'original.png', type: 'image/png' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'logo', extension: 'png', path: '/contract/upload/logo.png', type: 'IMG', size: bytes.length, width: 640, height: 480, access: 'PUBLIC_INDEXABLE', archived: false, isUsableInContent: true });
      expect(res.body.fileMd5).toMatch(/^[0-9a-f]{32}$/);
      expect(res.body.expiresAt).toBeGreaterThan(Date.now() + 80 * 86_400_000);
      expect(res.headers.get('location')).toBe(`${emu.url}/files/v3/files/${res.body.id}`);
      const folder = await emu.checked('GET', '/files/v3/folders/contract/upload'.replace('contract/upload', 'contract%2Fupload'));
      expect(folder.body).toMatchObject({ id: res.body.parentFolderId, path: '/contract/upload', name: 'upload' });
      // A public file is served at its URL without a token.
      const served = await fetch(res.body.url);
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    });

    test('into a folder by id; the part name is used when fileName is absent; types come from the extension', async () => {
      const folder = await emu.checked('POST', '/files/v3/folders', { name: 'by-id' });
      const res = await uploadFile({ folderId: folder.body.id }, { bytes: 'a,b\n1,2\n', name: 'table.CSV', type: 'text/csv' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'table', extension: 'csv', type: 'DOCUMENT', parentFolderId: folder.body.id, path: '/by-id/table.csv' });
      expect(res.body.width).toBeUndefined();
      expect((await uploadFile({ folderId: folder.body.id }, { bytes: 'x', name: 'song.mp3' })).body.type).toBe('AUDIO');
      expect((await uploadFile({ folderId: folder.body.id }, { bytes: 'x', name: 'clip.mov' })).body.type).toBe('MOVIE');
      expect((await uploadFile({ folderId: folder.body.id }, { bytes: 'x', name: 'blob.bin' })).body.type).toBe('OTHER');
    });

    test('a taken name gets a suffix; overwrite replaces the old file; duplicate validation rejects or returns the existing file', async () => {
      const bytes = png(2, 2);
      const first = await uploadFile({ folderPath: '/contract/dupes', fileName: 'same.png' }, { bytes, name: 'x.png' });
      const second = await uploadFile({ folderPath: '/contract/dupes', fileName: 'same.png' }, { bytes: png(2, 2), name: 'x.png' });
      expect(second.body.name).toBe('same-1');
      const overwrite = await uploadFile({ folderPath: '/contract/dupes', fileName: 'same.png', options: JSON.stringify({ access: 'PRIVATE', overwrite: true }) }, { bytes: png(3, 3), name: 'x.png' });
      expect(overwrite.body).toMatchObject({ name: 'same', width: 3 });
      expect(overwrite.body.id).not.toBe(first.body.id);
      expect((await emu.checked('GET', `/files/v3/files/${first.body.id}`)).status).toBe(404);

      const reject = await uploadFile({ folderPath: '/elsewhere', options: JSON.stringify({ access: 'PRIVATE', duplicateValidationStrategy: 'REJECT' }) }, { bytes: png(0, 0, 0).fill(7), name: 'dup.png' });
      expect(reject.status).toBe(201);
      const again = await uploadFile({ folderPath: '/other', options: JSON.stringify({ access: 'PRIVATE', duplicateValidationStrategy: 'REJECT' }) }, { bytes: png(0, 0, 0).fill(7), name: 'dup.png' });
      expect(again.status).toBe(409);
      expect(again.body.category).toBe('CONFLICT');
      const inFolderOnly = await uploadFile({ folderPath: '/other', options: JSON.stringify({ access: 'PRIVATE', duplicateValidationStrategy: 'REJECT', duplicateValidationScope: 'EXACT_FOLDER' }) }, { bytes: png(0, 0, 0).fill(7), name: 'dup.png' });
      expect(inFolderOnly.status).toBe(201);
      const existing = await uploadFile({ folderPath: '/elsewhere', options: JSON.stringify({ access: 'PRIVATE', duplicateValidationStrategy: 'RETURN_EXISTING' }) }, { bytes: png(0, 0, 0).fill(7), name: 'dup2.png' });
      expect(existing.body.id).toBe(reject.body.id);
    });

    test.each([
      ['no file part', { folderPath: '/x' }, undefined, 400, /file is missing/],
      ['an empty file', { folderPath: '/x' }, { bytes: '', name: 'empty.txt' }, 400, /empty/],
      ['options that are not JSON', { folderPath: '/x', options: '{access:' }, { bytes: 'x', name: 'a.txt' }, 400, /options must be a JSON object/],
      ['no access in the options', { folderPath: '/x', options: '{}' }, { bytes: 'x', name: 'a.txt' }, 400, /options.access is required/],
      ['an unknown access', { folderPath: '/x', options: '{"access":"OPEN"}' }, { bytes: 'x', name: 'a.txt' }, 400, /options.access must be one of/],
      ['a bad ttl', { folderPath: '/x', options: '{"access":"PRIVATE","ttl":"3 months"}' }, { bytes: 'x', name: 'a.txt' }, 400, /ISO-8601 duration/],
      ['a bad duplicate strategy', { folderPath: '/x', options: '{"access":"PRIVATE","duplicateValidationStrategy":"MAYBE"}' }, { bytes: 'x', name: 'a.txt' }, 400, /duplicateValidationStrategy/],
      ['neither folderId nor folderPath', {}, { bytes: 'x', name: 'a.txt' }, 400, /Either folderId or folderPath/],
      ['both folderId and folderPath', { folderId: '1', folderPath: '/x' }, { bytes: 'x', name: 'a.txt' }, 400, /not both/],
      ['a folder id that is not one', { folderId: 'abc' }, { bytes: 'x', name: 'a.txt' }, 400, /folder id/],
      ['an unknown folder id', { folderId: '999999' }, { bytes: 'x', name: 'a.txt' }, 404, /No folder/],
      ['a file name with a slash', { folderPath: '/x', fileName: 'a/b.txt' }, { bytes: 'x', name: 'a.txt' }, 400, /must not contain/],
    ])('refuses %s', async (_what, fields, file, status, message) => {
      const body = form({ options: JSON.stringify({ access: 'PRIVATE' }), ...fields }, file);
      const res = await multipart('POST', '/files/v3/files', body);
      expectSpec('POST', '/files/v3/files', res);
      expect(res.status).toBe(status);
      expect(res.body.message).toMatch(message);
    });

    test('a body that is not multipart is a 400', async () => {
      const res = await emu.checked('POST', '/files/v3/files', { file: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/multipart\/form-data/);
    });

    test('a file past the size limit is HubSpot\'s 413, and nothing is stored', async () => {
      const before = (await emu.checked('GET', '/files/v3/files/search?name=huge')).body.results.length;
      const res = await uploadFile({ folderPath: '/x' }, { bytes: Buffer.alloc(MAX_BYTES + 1, 1), name: 'huge.bin' });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
      expect(res.body.message).toMatch(`${MAX_BYTES} bytes`);
      expect((await emu.checked('GET', '/files/v3/files/search?name=huge')).body.results.length).toBe(before);
      expect((await uploadFile({ folderPath: '/x' }, { bytes: Buffer.alloc(MAX_BYTES, 1), name: 'just-fits.bin' })).status).toBe(201);
    });
  });

  describe('one file', () => {
    test('GET by id; unknown and non-numeric ids are 404', async () => {
      const up = await uploadFile({ folderPath: '/contract/get' });
      const res = await emu.checked('GET', `/files/v3/files/${up.body.id}`);
      expect(res.body).toEqual(up.body);
      expect((await emu.checked('GET', '/files/v3/files/123')).status).toBe(404);
      expect((await emu.checked('GET', '/files/v3/files/abc')).status).toBe(404);
    });

    test('PATCH renames, moves (by path, created when missing), changes access and expiry', async () => {
      const up = await uploadFile({ folderPath: '/contract/patch' }, { bytes: png(1, 1), name: 'before.png' });
      const res = await emu.checked('PATCH', `/files/v3/files/${up.body.id}`, { name: 'after.png', parentFolderPath: '/contract/patched', access: 'PUBLIC_NOT_INDEXABLE', expiresAt: '2030-01-01T00:00:00Z', isUsableInContent: false });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'after', path: '/contract/patched/after.png', access: 'PUBLIC_NOT_INDEXABLE', expiresAt: Date.parse('2030-01-01T00:00:00Z'), isUsableInContent: false });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(up.body.updatedAt));
      const cleared = await emu.checked('PATCH', `/files/v3/files/${up.body.id}`, { clearExpires: true });
      expect(cleared.body.expiresAt).toBeUndefined();
      const home = (await emu.checked('GET', '/files/v3/folders/search?name=patch')).body.results.find((f: { path: string }) => f.path === '/contract/patch');
      const moved = await emu.checked('PATCH', `/files/v3/files/${up.body.id}`, { parentFolderId: home.id });
      expect(moved.body.path).toBe('/contract/patch/after.png');
    });

    test('PATCH refusals: bad access, both parents, a taken name, unknown file or folder', async () => {
      const a = await uploadFile({ folderPath: '/contract/patch-bad' }, { bytes: png(1, 1), name: 'a.png' });
      await uploadFile({ folderPath: '/contract/patch-bad' }, { bytes: png(1, 1), name: 'b.png' });
      const cases: Array<[string, unknown, number]> = [
        [`/files/v3/files/${a.body.id}`, { access: 'EVERYONE' }, 400],
        [`/files/v3/files/${a.body.id}`, { parentFolderId: '1', parentFolderPath: '/x' }, 400],
        [`/files/v3/files/${a.body.id}`, { name: 'b' }, 409],
        [`/files/v3/files/${a.body.id}`, { isUsableInContent: 'yes' }, 400],
        [`/files/v3/files/${a.body.id}`, { parentFolderId: '424242' }, 404],
        ['/files/v3/files/999', { name: 'x' }, 404],
      ];
      for (const [path, body, status] of cases) expect({ body, status: (await emu.checked('PATCH', path, body)).status }).toEqual({ body, status });
      expect((await emu.checked('PATCH', `/files/v3/files/${a.body.id}`, undefined, {})).status).toBe(400);
    });

    test('PUT replaces the content (multipart), keeping id, name and path', async () => {
      const up = await uploadFile({ folderPath: '/contract/replace' }, { bytes: png(10, 10), name: 'r.png' });
      const bytes = png(20, 30);
      const res = await multipart('PUT', `/files/v3/files/${up.body.id}`, form({ options: JSON.stringify({ access: 'PUBLIC_INDEXABLE' }) }, { bytes, name: 'whatever.png' }));
      expectSpec('PUT', `/files/v3/files/${up.body.id}`, res);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: up.body.id, path: up.body.path, size: bytes.length, width: 20, height: 30, access: 'PUBLIC_INDEXABLE' });
      expect(res.body.fileMd5).not.toBe(up.body.fileMd5);
      const download = await fetch(`${emu.url}/files/v3/files/${up.body.id}/download`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    });

    test('PUT refusals: no file part, empty file, too large, bad options, unknown file', async () => {
      const up = await uploadFile({ folderPath: '/contract/replace-bad' });
      const path = `/files/v3/files/${up.body.id}`;
      const cases: Array<[string, FormData, number]> = [
        [path, form({}), 400],
        [path, form({}, { bytes: '', name: 'e.png' }), 400],
        [path, form({}, { bytes: Buffer.alloc(MAX_BYTES + 10), name: 'big.png' }), 413],
        [path, form({ options: 'nope' }, { bytes: 'x', name: 'x.png' }), 400],
        [path, form({ options: '{"access":"WORLD"}' }, { bytes: 'x', name: 'x.png' }), 400],
        ['/files/v3/files/98765', form({}, { bytes: 'x', name: 'x.png' }), 404],
      ];
      for (const [p, body, status] of cases) {
        const res = await multipart('PUT', p, body);
        expectSpec('PUT', p, res);
        expect(res.status).toBe(status);
      }
      expect((await emu.checked('GET', path)).body.fileMd5).toBe(up.body.fileMd5);
    });

    test('DELETE archives: still readable by id, gone from search and writes; a second DELETE is 404', async () => {
      const up = await uploadFile({ folderPath: '/contract/delete' }, { bytes: png(1, 1), name: 'gone.png' });
      expect((await emu.checked('DELETE', `/files/v3/files/${up.body.id}`)).status).toBe(204);
      const read = await emu.checked('GET', `/files/v3/files/${up.body.id}`);
      expect(read.body).toMatchObject({ archived: true });
      expect(read.body.archivedAt).toBeDefined();
      expect((await emu.checked('GET', `/files/v3/files/search?ids=${up.body.id}`)).body.results).toEqual([]);
      expect((await emu.checked('PATCH', `/files/v3/files/${up.body.id}`, { name: 'x' })).status).toBe(404);
      expect((await emu.checked('GET', `/files/v3/files/${up.body.id}/signed-url`)).status).toBe(404);
      expect((await emu.checked('DELETE', `/files/v3/files/${up.body.id}`)).status).toBe(404);
    });

    test('gdpr-delete removes every trace; unknown ids are 404', async () => {
      const up = await uploadFile({ folderPath: '/contract/gdpr' });
      expect((await emu.checked('DELETE', `/files/v3/files/${up.body.id}/gdpr-delete`)).status).toBe(204);
      expect((await emu.checked('GET', `/files/v3/files/${up.body.id}`)).status).toBe(404);
      expect((await emu.checked('DELETE', `/files/v3/files/${up.body.id}/gdpr-delete`)).status).toBe(404);
    });

    test('download serves the bytes with a Content-Type; private files are not public', async () => {
      const up = await uploadFile({ folderPath: '/contract/download' }, { bytes: 'hello, world', name: 'note.txt' });
      const res = await fetch(`${emu.url}/files/v3/files/${up.body.id}/download`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('hello, world');
      expect(up.body.url).toBe(`${emu.url}/files/v3/files/${up.body.id}/download`);
      expect((await fetch(`${emu.url}/hubfs/111/contract/download/note.txt`)).status).toBe(404);
      expect((await emu.checked('GET', '/files/v3/files/5555/download')).status).toBe(404);
      expect((await fetch(`${emu.url}/files/v3/files/${up.body.id}/download`)).status).toBe(401);
    });
  });

  describe('signed URLs', () => {
    test('a signed URL serves the bytes to anyone until it expires; forged or expired ones are 403', async () => {
      const bytes = png(50, 40);
      const up = await uploadFile({ folderPath: '/contract/signed' }, { bytes, name: 'secret.png' });
      const res = await emu.checked('GET', `/files/v3/files/${up.body.id}/signed-url?expirationSeconds=60&size=thumb&upscale=false`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'secret', extension: 'png', type: 'IMG', size: bytes.length, width: 50, height: 40 });
      expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(55_000);
      const got = await fetch(res.body.url);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

      const forged = new URL(res.body.url);
      forged.searchParams.set('Expires', String(Number(forged.searchParams.get('Expires')) + 3600));
      const refused = await fetch(forged);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ status: 'error', category: 'FORBIDDEN' });
      const otherFile = new URL(res.body.url.replace(`/${up.body.id}/`, `/${Number(up.body.id) + 1}/`));
      expect((await fetch(otherFile)).status).toBe(403);

      const short = await emu.checked('GET', `/files/v3/files/${up.body.id}/signed-url?expirationSeconds=1`);
      await new Promise((r) => setTimeout(r, 1_100));
      const expired = await fetch(short.body.url);
      expect(expired.status).toBe(403);
      expect((await expired.json()).message).toMatch(/expired/);
    });

    test('bad parameters are 400; unknown files 404', async () => {
      const up = await uploadFile({ folderPath: '/contract/signed-bad' });
      for (const q of ['size=huge', 'expirationSeconds=0', 'expirationSeconds=abc', 'upscale=maybe']) {
        expect((await emu.checked('GET', `/files/v3/files/${up.body.id}/signed-url?${q}`)).status).toBe(400);
      }
      expect((await emu.checked('GET', '/files/v3/files/7777/signed-url')).status).toBe(404);
    });
  });

  describe('stat', () => {
    test('a path names a file or a folder; nothing there is 404', async () => {
      const up = await uploadFile({ folderPath: '/contract/stat' }, { bytes: png(1, 1), name: 'here.png' });
      const file = await emu.api('GET', '/files/v3/files/stat/contract/stat/here.png');
      expectSpec('GET', '/files/v3/files/stat/x', file);
      expect(file.body).toEqual({ file: up.body });
      const folder = await emu.api('GET', '/files/v3/files/stat/contract/stat');
      expectSpec('GET', '/files/v3/files/stat/x', folder);
      expect(folder.body.folder).toMatchObject({ path: '/contract/stat', id: up.body.parentFolderId });
      const encoded = await emu.checked('GET', `/files/v3/files/stat/${encodeURIComponent('/contract/stat/HERE.png')}`);
      expect(encoded.body.file.id).toBe(up.body.id);
      const missing = await emu.api('GET', '/files/v3/files/stat/contract/stat/nothing.png');
      expectSpec('GET', '/files/v3/files/stat/x', missing);
      expect(missing.status).toBe(404);
    });
  });

  describe('import from URL', () => {
    test('202 with a task; the emulator fetches the URL and the task ends COMPLETE with the File', async () => {
      const bytes = png(12, 34);
      source.set('/images/remote-logo.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(bytes));
      source.hold();
      const res = await emu.checked('POST', '/files/v3/files/import-from-url/async', { url: `${source.url}/images/remote-logo.png`, access: 'PUBLIC_INDEXABLE', folderPath: '/contract/imports' });
      expect(res.status).toBe(202);
      expect(res.body.links.status).toBe(`${emu.url}/files/v3/files/import-from-url/async/tasks/${res.body.id}/status`);
      const running = await emu.checked('GET', `/files/v3/files/import-from-url/async/tasks/${res.body.id}/status`);
      expect(['PENDING', 'PROCESSING']).toContain(running.body.status);
      expect(running.body.result).toBeUndefined();
      source.release();
      const done = await eventually(async () => {
        const r = await emu.checked('GET', `/files/v3/files/import-from-url/async/tasks/${res.body.id}/status`);
        return r.body.status === 'COMPLETE' ? r : undefined;
      });
      expect(done.body.result).toMatchObject({ name: 'remote-logo', extension: 'png', path: '/contract/imports/remote-logo.png', size: bytes.length, width: 12, height: 34 });
      expect(done.body.errors).toBeUndefined();
      expect(Buffer.from(await (await fetch(done.body.result.url)).arrayBuffer()).equals(bytes)).toBe(true);
    });

    test('the name and an extension from the content type when the URL has none', async () => {
      source.set('/export?id=7', (_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4 fake'));
      const res = await emu.checked('POST', '/files/v3/files/import-from-url/async', { url: `${source.url}/export?id=7`, name: 'report', access: 'PRIVATE', folderPath: '/contract/imports' });
      const done = await completed(res.body.id);
      expect(done.result).toMatchObject({ name: 'report', extension: 'pdf', type: 'DOCUMENT' });
    });

    async function completed(taskId: string) {
      return eventually(async () => {
        const r = await emu.checked('GET', `/files/v3/files/import-from-url/async/tasks/${taskId}/status`);
        return r.body.status === 'COMPLETE' ? r.body : undefined;
      });
    }

    test.each([
      ['a 404 at the source', () => `${source.url}/missing.png`, /answered 404/, 'FILE_IMPORT_FAILED'],
      ['a body past the size limit', () => `${source.url}/big.bin`, /larger than the maximum/, 'FILE_TOO_LARGE'],
      ['a streamed body past the limit', () => `${source.url}/big-stream.bin`, /larger than the maximum/, 'FILE_TOO_LARGE'],
      ['an empty body', () => `${source.url}/empty.txt`, /empty/, 'VALIDATION_ERROR'],
      ['a URL that is not http', () => 'ftp://127.0.0.1/file.txt', /Only http and https/, 'VALIDATION_ERROR'],
      ['something that is not a URL', () => 'not a url', /is not a URL/, 'VALIDATION_ERROR'],
      ['a source that is down', () => 'http://127.0.0.1:1/nothing.png', /Could not fetch/, 'FILE_IMPORT_FAILED'],
    ])('%s completes with an error', async (_what, url, message, category) => {
      source.set('/big.bin', (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(MAX_BYTES + 1) }).end(Buffer.alloc(MAX_BYTES + 1)));
      source.set('/big-stream.bin', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let i = 0; i < 5; i++) res.write(Buffer.alloc(MAX_BYTES / 4));
        res.end();
      });
      source.set('/empty.txt', (_req, res) => res.writeHead(200).end());
      const res = await emu.checked('POST', '/files/v3/files/import-from-url/async', { url: url(), access: 'PRIVATE', folderPath: '/contract/imports-bad' });
      expect(res.status).toBe(202);
      const done = await completed(res.body.id);
      expect(done.result).toBeUndefined();
      expect(done.numErrors).toBe(1);
      expect(done.errors[0].message).toMatch(message);
      expect(done.errors[0].category).toBe(category);
    });

    test.each([
      ['no url', { access: 'PRIVATE', folderPath: '/x' }, 400],
      ['no access', { url: 'http://127.0.0.1/x', folderPath: '/x' }, 400],
      ['no folder', { url: 'http://127.0.0.1/x', access: 'PRIVATE' }, 400],
      ['an unknown folder', { url: 'http://127.0.0.1/x', access: 'PRIVATE', folderId: '4040404' }, 404],
      ['a bad overwrite flag', { url: 'http://127.0.0.1/x', access: 'PRIVATE', folderPath: '/x', overwrite: 'yes' }, 400],
    ])('refuses %s before starting', async (_what, body, status) => {
      expect((await emu.checked('POST', '/files/v3/files/import-from-url/async', body)).status).toBe(status);
    });

    test('an unknown task is 404; tasks are per portal', async () => {
      expect((await emu.checked('GET', '/files/v3/files/import-from-url/async/tasks/nope/status')).status).toBe(404);
      source.set('/mine.txt', (_req, res) => res.end('mine'));
      const res = await emu.checked('POST', '/files/v3/files/import-from-url/async', { url: `${source.url}/mine.txt`, access: 'PRIVATE', folderPath: '/x' });
      expect((await emu.checked('GET', `/files/v3/files/import-from-url/async/tasks/${res.body.id}/status`, undefined, { token: OTHER_PORTAL_TOKEN })).status).toBe(404);
    });
  });

  describe('search', () => {
    let ids: string[];
    let folderId: string;
    beforeAll(async () => {
      const folder = await emu.checked('POST', '/files/v3/folders', { name: 'search-fixture' });
      folderId = folder.body.id;
      const specs: Array<[string, Buffer | string]> = [
        ['alpha-small.png', png(10, 10, 10)],
        ['alpha-large.png', png(800, 600, 2000)],
        ['beta.pdf', 'x'.repeat(500)],
        ['gamma.txt', 'y'.repeat(50)],
        ['hidden.txt', 'z'],
      ];
      ids = [];
      for (const [name, bytes] of specs) {
        const access = name.startsWith('hidden') ? 'HIDDEN_PRIVATE' : name.startsWith('alpha') ? 'PUBLIC_INDEXABLE' : 'PRIVATE';
        ids.push((await uploadFile({ folderId, options: JSON.stringify({ access }) }, { bytes, name })).body.id);
      }
    });
    const search = async (q: string) => {
      const res = await emu.checked('GET', `/files/v3/files/search?parentFolderIds=${folderId}&${q}`);
      expect(res.status).toBe(200);
      return res;
    };
    const names = (res: ApiResponse) => res.body.results.map((f: { name: string }) => f.name);

    test('filters: name (contains), extension, type, ids, size and dimension ranges, access, path; hidden files never', async () => {
      expect(names(await search('sort=name'))).toEqual(['alpha-large', 'alpha-small', 'beta', 'gamma']);
      expect(names(await search('name=ALPHA&sort=name'))).toEqual(['alpha-large', 'alpha-small']);
      expect(names(await search('extension=.pdf'))).toEqual(['beta']);
      expect(names(await search('type=IMG&sort=-size'))).toEqual(['alpha-large', 'alpha-small']);
      expect(names(await search(`ids=${ids[2]},${ids[3]}&sort=id`))).toEqual(['beta', 'gamma']);
      expect(names(await search('sizeGte=100&sizeLte=600&sort=name'))).toEqual(['beta']);
      expect(names(await search('widthGte=100'))).toEqual(['alpha-large']);
      expect(names(await search('allowsAnonymousAccess=true&sort=name'))).toEqual(['alpha-large', 'alpha-small']);
      expect(names(await search('path=/search-fixture/gamma.txt'))).toEqual(['gamma']);
      expect(names(await search('path=/search-fixture&sort=name'))).toHaveLength(4);
      expect(names(await search('name=hidden'))).toEqual([]);
      const created = (await emu.checked('GET', `/files/v3/files/${ids[0]}`)).body.createdAt;
      expect(names(await search(`createdAtGte=${encodeURIComponent(created)}&sort=id`))[0]).toBe('alpha-small');
      expect(names(await search(`createdAtLte=${encodeURIComponent('2000-01-01T00:00:00Z')}`))).toEqual([]);
    });

    test('paging: limit, after as an offset with next links, before for the previous page', async () => {
      const first = await search('sort=name&limit=3');
      expect(names(first)).toEqual(['alpha-large', 'alpha-small', 'beta']);
      expect(first.body.paging.next.after).toBe('3');
      expect(first.body.paging.next.link).toContain('after=3');
      const second = await search(`sort=name&limit=3&after=${first.body.paging.next.after}`);
      expect(names(second)).toEqual(['gamma']);
      expect(second.body.paging.next).toBeUndefined();
      expect(second.body.paging.prev.before).toBe('3');
      expect(names(await search('sort=name&limit=3&before=3'))).toEqual(['alpha-large', 'alpha-small', 'beta']);
      const all = await emu.checked('GET', '/files/v3/files/search');
      expect(all.body.results.length).toBeLessThanOrEqual(10);
    });

    test.each(['limit=0', 'limit=101', 'after=10001', 'after=abc', 'sort=colour', 'createdAtGte=yesterday', 'sizeGte=big', 'ids=x', 'allowsAnonymousAccess=perhaps'])('refuses %s with 400', async (q) => {
      const res = await emu.checked('GET', `/files/v3/files/search?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
    });
  });

  describe('folders', () => {
    test('create (root, by parent id, by parent path), read by id and path; paths follow renames and moves', async () => {
      const root = await emu.checked('POST', '/files/v3/folders', { name: 'fold-root' });
      expect(root.status).toBe(201);
      expect(root.body).toMatchObject({ name: 'fold-root', path: '/fold-root', archived: false });
      expect(root.body.parentFolderId).toBeUndefined();
      expect(root.headers.get('location')).toBe(`${emu.url}/files/v3/folders/${root.body.id}`);
      const child = await emu.checked('POST', '/files/v3/folders', { name: 'child', parentFolderId: root.body.id });
      const grandchild = await emu.checked('POST', '/files/v3/folders', { name: 'grandchild', parentPath: '/fold-root/child' });
      expect(grandchild.body).toMatchObject({ path: '/fold-root/child/grandchild', parentFolderId: child.body.id });
      expect((await emu.checked('GET', `/files/v3/folders/${child.body.id}`)).body).toEqual(child.body);
      const byPath = await emu.api('GET', '/files/v3/folders/fold-root/child/grandchild');
      expectSpec('GET', '/files/v3/folders/x', byPath);
      expect(byPath.body.id).toBe(grandchild.body.id);
      const file = await uploadFile({ folderId: grandchild.body.id }, { bytes: 'x', name: 'deep.txt' });

      const renamed = await emu.checked('PATCH', `/files/v3/folders/${child.body.id}`, { name: 'kid' });
      expect(renamed.body.path).toBe('/fold-root/kid');
      expect((await emu.checked('GET', `/files/v3/files/${file.body.id}`)).body.path).toBe('/fold-root/kid/grandchild/deep.txt');
      const other = await emu.checked('POST', '/files/v3/folders', { name: 'fold-other' });
      const moved = await emu.checked('PATCH', `/files/v3/folders/${child.body.id}`, { parentFolderId: Number(other.body.id) });
      expect(moved.body).toMatchObject({ path: '/fold-other/kid', parentFolderId: other.body.id });
      const toRoot = await emu.checked('PATCH', `/files/v3/folders/${grandchild.body.id}`, { parentFolderId: 0 });
      expect(toRoot.body.path).toBe('/grandchild');
    });

    test('refusals: no name, a slash, both parents, an unknown parent, a taken name, a move into itself, unknown folders', async () => {
      const a = await emu.checked('POST', '/files/v3/folders', { name: 'refuse-a' });
      const b = await emu.checked('POST', '/files/v3/folders', { name: 'refuse-b', parentFolderId: a.body.id });
      const cases: Array<[string, string, unknown, number]> = [
        ['POST', '/files/v3/folders', {}, 400],
        ['POST', '/files/v3/folders', { name: 'a/b' }, 400],
        ['POST', '/files/v3/folders', { name: 'x', parentFolderId: a.body.id, parentPath: '/refuse-a' }, 400],
        ['POST', '/files/v3/folders', { name: 'x', parentFolderId: '55555' }, 404],
        ['POST', '/files/v3/folders', { name: 'x', parentPath: '/no/such/path' }, 404],
        ['POST', '/files/v3/folders', { name: 'refuse-a' }, 409],
        ['PATCH', `/files/v3/folders/${a.body.id}`, { parentFolderId: Number(b.body.id) }, 400],
        ['PATCH', `/files/v3/folders/${a.body.id}`, { parentFolderId: 'up' }, 400],
        ['PATCH', `/files/v3/folders/${b.body.id}`, { name: '' }, 400],
        ['PATCH', '/files/v3/folders/31337', { name: 'x' }, 404],
        ['GET', '/files/v3/folders/31337', undefined, 404],
        ['DELETE', '/files/v3/folders/31337', undefined, 404],
      ];
      for (const [method, path, body, status] of cases) expect({ method, path, body, status: (await emu.checked(method, path, body)).status }).toEqual({ method, path, body, status });
      const byPath = await emu.api('GET', '/files/v3/folders/no/such/folder');
      expectSpec('GET', '/files/v3/folders/x', byPath);
      expect(byPath.status).toBe(404);
    });

    test('DELETE by id or by path archives the folder with everything in it', async () => {
      const top = await emu.checked('POST', '/files/v3/folders', { name: 'doomed' });
      const inner = await emu.checked('POST', '/files/v3/folders', { name: 'inner', parentFolderId: top.body.id });
      const file = await uploadFile({ folderId: inner.body.id }, { bytes: 'bye', name: 'bye.txt' });
      expect((await emu.checked('DELETE', `/files/v3/folders/${top.body.id}`)).status).toBe(204);
      expect((await emu.checked('GET', `/files/v3/folders/${inner.body.id}`)).status).toBe(404);
      expect((await emu.checked('GET', `/files/v3/files/${file.body.id}`)).body.archived).toBe(true);

      await emu.checked('POST', '/files/v3/folders', { name: 'doomed-too' });
      const del = await emu.api('DELETE', '/files/v3/folders/doomed-too');
      expectSpec('DELETE', '/files/v3/folders/x', del);
      expect(del.status).toBe(204);
      const again = await emu.api('DELETE', '/files/v3/folders/doomed-too');
      expectSpec('DELETE', '/files/v3/folders/x', again);
      expect(again.status).toBe(404);
    });

    test('search: name, parentFolderIds, path, sort and paging', async () => {
      const parent = await emu.checked('POST', '/files/v3/folders', { name: 'fsearch' });
      for (const n of ['c-one', 'a-two', 'b-three']) await emu.checked('POST', '/files/v3/folders', { name: n, parentFolderId: parent.body.id });
      const res = await emu.checked('GET', `/files/v3/folders/search?parentFolderIds=${parent.body.id}&sort=name&limit=2`);
      expect(res.body.results.map((f: { name: string }) => f.name)).toEqual(['a-two', 'b-three']);
      const next = await emu.checked('GET', `/files/v3/folders/search?parentFolderIds=${parent.body.id}&sort=name&limit=2&after=${res.body.paging.next.after}`);
      expect(next.body.results.map((f: { name: string }) => f.name)).toEqual(['c-one']);
      expect((await emu.checked('GET', '/files/v3/folders/search?name=B-THR')).body.results.map((f: { path: string }) => f.path)).toEqual(['/fsearch/b-three']);
      expect((await emu.checked('GET', '/files/v3/folders/search?path=/fsearch&sort=-name')).body.results.map((f: { name: string }) => f.name)).toEqual(['fsearch', 'c-one', 'b-three', 'a-two']);
      expect((await emu.checked('GET', '/files/v3/folders/search?limit=500')).status).toBe(400);
      expect((await emu.checked('GET', '/files/v3/folders/search?sort=size')).status).toBe(400);
    });

    test('update/async: 202, then the task completes with the folder (or its error); bad input is 400/404', async () => {
      const folder = await emu.checked('POST', '/files/v3/folders', { name: 'async-me' });
      const res = await emu.checked('POST', '/files/v3/folders/update/async', { id: folder.body.id, name: 'async-done' });
      expect(res.status).toBe(202);
      const status = await eventually(async () => {
        const r = await emu.checked('GET', `/files/v3/folders/update/async/tasks/${res.body.id}/status`);
        return r.body.status === 'COMPLETE' ? r : undefined;
      });
      expect(status.body.result).toMatchObject({ id: folder.body.id, name: 'async-done', path: '/async-done' });
      await emu.checked('POST', '/files/v3/folders', { name: 'async-taken' });
      const clash = await emu.checked('POST', '/files/v3/folders/update/async', { id: folder.body.id, name: 'async-taken' });
      const failed = await eventually(async () => {
        const r = await emu.checked('GET', `/files/v3/folders/update/async/tasks/${clash.body.id}/status`);
        return r.body.status === 'COMPLETE' ? r : undefined;
      });
      expect(failed.body.errors[0]).toMatchObject({ category: 'CONFLICT', status: '409' });
      expect((await emu.checked('POST', '/files/v3/folders/update/async', { name: 'x' })).status).toBe(400);
      expect((await emu.checked('POST', '/files/v3/folders/update/async', { id: '8888', name: 'x' })).status).toBe(404);
      expect((await emu.checked('GET', '/files/v3/folders/update/async/tasks/unknown/status')).status).toBe(404);
    });
  });

  describe('auth and isolation', () => {
    test('a token without a files scope gets 403 MISSING_SCOPES on reads and writes', async () => {
      const read = await emu.checked('GET', '/files/v3/files/search', undefined, { token: READ_ONLY_TOKEN });
      expect(read.status).toBe(403);
      expect(read.body.category).toBe('MISSING_SCOPES');
      const write = await multipart('POST', '/files/v3/files', form({ folderPath: '/x', options: '{"access":"PRIVATE"}' }, { bytes: 'x', name: 'x.txt' }), READ_ONLY_TOKEN);
      expect(write.status).toBe(403);
      expect((await emu.checked('POST', '/files/v3/folders', { name: 'x' }, { token: READ_ONLY_TOKEN })).status).toBe(403);
    });

    test('portals are isolated: another portal sees none of these files or folders', async () => {
      const up = await uploadFile({ folderPath: '/contract/mine' });
      expect((await emu.checked('GET', `/files/v3/files/${up.body.id}`, undefined, { token: OTHER_PORTAL_TOKEN })).status).toBe(404);
      expect((await emu.checked('GET', '/files/v3/files/search', undefined, { token: OTHER_PORTAL_TOKEN })).body.results).toEqual([]);
      expect((await emu.checked('GET', `/files/v3/folders/${up.body.parentFolderId}`, undefined, { token: OTHER_PORTAL_TOKEN })).status).toBe(404);
    });
  });

  test('every FilesApi method of the REST client sends spec-valid requests the emulator accepts', async () => {
    const transport = new Transport({ baseUrl: emu.url, connections: 2, timeoutMs: 5_000 });
    const hs = new HubSpotClient({ transport, credential: () => TOKEN });
    try {
      const { lastSeq } = (await emu.api('GET', '/__emulator/requests')).body;
      const up = await hs.files.upload({ bytes: png(5, 6), filename: 'client.png', contentType: 'image/png' }, { folderPath: '/client/dir', fileName: 'client.png', charsetHunch: 'utf-8' }, { access: 'PRIVATE', ttl: 'P1D', overwrite: false, duplicateValidationStrategy: 'NONE', duplicateValidationScope: 'EXACT_FOLDER' });
      expect(up).toMatchObject({ name: 'client', width: 5, height: 6, path: '/client/dir/client.png' });
      await hs.files.get(up.id);
      await hs.files.update(up.id, { name: 'client-renamed', access: 'PUBLIC_INDEXABLE' });
      expect((await hs.files.replace(up.id, { bytes: png(7, 8), filename: 'c.png', contentType: 'image/png' }, { access: 'PRIVATE', charsetHunch: 'utf-8' })).width).toBe(7);
      expect((await hs.files.signedUrl(up.id, { expirationSeconds: 120, size: 'icon', upscale: true })).url).toContain('/hubfs-signed/');
      expect((await hs.files.stat('/client/dir/client-renamed.png')).file?.id).toBe(up.id);
      expect((await hs.files.search({ ids: [up.id], sort: ['-createdAt', 'name'], limit: 5, extension: 'png' })).results).toHaveLength(1);
      source.set('/client.txt', (_req, res) => res.end('from the client'));
      const task = await hs.files.importFromUrl({ url: `${source.url}/client.txt`, access: 'PRIVATE', folderPath: '/client/dir', name: 'imported.txt', duplicateValidationStrategy: 'NONE' });
      await eventually(async () => ((await hs.files.importStatus(task.id)).status === 'COMPLETE' ? true : undefined));
      const folder = await hs.files.createFolder({ name: 'client-folder', parentPath: '/client' });
      await hs.files.getFolder(folder.id);
      expect((await hs.files.getFolderByPath('/client/client-folder')).id).toBe(folder.id);
      await hs.files.updateFolder(folder.id, { name: 'client-folder-2' });
      await hs.files.searchFolders({ parentFolderIds: [folder.parentFolderId!], name: 'client' });
      await hs.files.archiveFolderByPath('/client/client-folder-2');
      const another = await hs.files.createFolder({ name: 'client-folder-3' });
      await hs.files.archiveFolder(another.id);
      await hs.files.archive(up.id);
      await hs.files.gdprDelete(up.id);

      const log = (await emu.api('GET', `/__emulator/requests?since=${lastSeq}`)).body.results as Array<{ method: string; path: string; status: number; requestBody?: unknown }>;
      const files = log.filter((e) => e.path.startsWith('/files/'));
      expect(files.length).toBeGreaterThanOrEqual(18);
      for (const e of files) {
        expect({ call: `${e.method} ${e.path}`, status: e.status < 300 }).toEqual({ call: `${e.method} ${e.path}`, status: true });
        if (e.requestBody !== undefined) expect(requestProblems(e.method, e.path, e.requestBody)).toEqual([]);
      }
    } finally {
      await transport.close();
    }
  });
});
