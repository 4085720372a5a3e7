import { encodeCursor } from '../../src/graphql/ids';
import { startGateway, type TestGateway } from '../helpers/gateway';
import { eventually, png, startSourceServer, type SourceServer } from '../helpers/files';

/** HubSpot's (the emulator's) file size limit, below the gateway's own upload limit, so both can be hit. */
const HUBSPOT_MAX = 100_000;
const GATEWAY_MAX = 200_000;

const FILE_FIELDS = 'id name extension path size type width height access url fileMd5 archived parentFolderId folder { id path }';

describe('Files over GraphQL (real multipart uploads, gateway ↔ emulator over HTTP)', () => {
  let gw: TestGateway;
  let source: SourceServer;

  beforeAll(async () => {
    gw = await startGateway({ emulator: { fileMaxBytes: HUBSPOT_MAX }, env: { UPLOAD_MAX_FILE_BYTES: String(GATEWAY_MAX), UPLOAD_MAX_FILES: '3' } });
    source = await startSourceServer();
  });
  afterAll(async () => {
    await source.close();
    await gw.close();
  });

  type Upload = { bytes: Buffer | string; name: string; type?: string };

  /** A GraphQL multipart request (operations, map, files), as Apollo Client's upload link sends it. */
  async function multipart(query: string, variables: Record<string, unknown>, files: Record<string, Upload & { at: string[] }>, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }) {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query, variables }));
    form.append('map', JSON.stringify(Object.fromEntries(Object.entries(files).map(([k, f]) => [k, f.at]))));
    for (const [k, f] of Object.entries(files)) {
      form.append(k, new Blob([typeof f.bytes === 'string' ? f.bytes : new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name);
    }
    const res = await fetch(gw.url, { method: 'POST', headers, body: form });
    return { status: res.status, body: await res.json() };
  }

  const UPLOAD = `mutation Upload($file: Upload!, $input: FileUploadInput!) {
    fileUpload(file: $file, input: $input) { file { ${FILE_FIELDS} } userErrors { field message code } }
  }`;

  async function upload(file: Upload, input: Record<string, unknown>) {
    const res = await multipart(UPLOAD, { file: null, input }, { 0: { ...file, at: ['variables.file'] } });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    return res.body.data.fileUpload;
  }

  async function ok(query: string, variables?: Record<string, unknown>) {
    const res = await gw.query(query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.body.data;
  }

  const callsDuring = async (run: () => Promise<unknown>) => {
    const before = gw.calls.length;
    await run();
    return gw.calls.slice(before).map((c) => `${c.call.method} ${c.call.operation}`);
  };

  describe('fileUpload', () => {
    test('a real multipart upload lands in HubSpot with its metadata; the folder path is created', async () => {
      const bytes = png(320, 200);
      let payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      const calls = await callsDuring(async () => {
        payload = await upload({ bytes, name: 'logo.png', type: 'image/png' }, { folderPath: '/gql/uploads', access: 'PUBLIC_INDEXABLE' });
      });
      expect(payload.userErrors).toEqual([]);
      expect(payload.file).toMatchObject({ name: 'logo', extension: 'png', path: '/gql/uploads/logo.png', size: bytes.length, type: 'IMG', width: 320, height: 200, access: 'PUBLIC_INDEXABLE', archived: false });
      expect(payload.file.folder).toEqual({ id: payload.file.parentFolderId, path: '/gql/uploads' });
      expect(calls).toEqual(['POST /files/v3/files', 'GET /files/v3/folders/search']);
      expect(Buffer.from(await (await fetch(payload.file.url)).arrayBuffer()).equals(bytes)).toBe(true);
    });

    test('defaults to PRIVATE; fileName overrides the part name; charset and ttl are passed on', async () => {
      const payload = await upload({ bytes: 'name,email\n', name: 'export.csv', type: 'text/csv' }, { folderPath: '/gql/private', fileName: 'contacts.csv', ttl: 'P1D', charsetHunch: 'utf-8' });
      expect(payload.file).toMatchObject({ name: 'contacts', extension: 'csv', type: 'DOCUMENT', access: 'PRIVATE' });
      const data = await ok('query ($id: ID!) { file(id: $id) { expiresAt } }', { id: payload.file.id });
      expect(Date.parse(data.file.expiresAt)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    });

    test('input problems are userErrors before any call: no folder, both folders, an empty file', async () => {
      const calls = await callsDuring(async () => {
        expect((await upload({ bytes: 'x', name: 'a.txt' }, {})).userErrors).toEqual([{ field: ['input', 'folderId'], message: expect.stringMatching(/exactly one of folderId or folderPath/), code: 'INVALID' }]);
        expect((await upload({ bytes: 'x', name: 'a.txt' }, { folderId: '1', folderPath: '/x' })).userErrors[0].code).toBe('INVALID');
        expect((await upload({ bytes: '', name: 'empty.txt' }, { folderPath: '/x' })).userErrors).toEqual([{ field: ['file'], message: 'The file is empty.', code: 'INVALID' }]);
      });
      expect(calls).toEqual([]);
    });

    test("HubSpot's refusals are userErrors: unknown folder (NOT_FOUND), a duplicate (CONFLICT), a file past HubSpot's limit", async () => {
      expect((await upload({ bytes: 'x', name: 'a.txt' }, { folderId: '987654' })).userErrors).toEqual([{ field: ['input', 'folderId'], message: expect.any(String), code: 'NOT_FOUND' }]);
      const bytes = png(1, 1);
      await upload({ bytes, name: 'once.png' }, { folderPath: '/gql/dupes' });
      const dup = await upload({ bytes, name: 'twice.png' }, { folderPath: '/gql/dupes', duplicateValidationStrategy: 'REJECT' });
      expect(dup.userErrors).toEqual([{ field: ['file'], message: expect.stringMatching(/same content/), code: 'CONFLICT' }]);
      const tooBig = await upload({ bytes: Buffer.alloc(HUBSPOT_MAX + 1, 1), name: 'big.bin' }, { folderPath: '/gql' });
      expect(tooBig).toEqual({ file: null, userErrors: [{ field: ['file'], message: expect.stringMatching(`${HUBSPOT_MAX} bytes`), code: 'INVALID' }] });
    });

    test("past the gateway's own upload limit: 413 BAD_USER_INPUT, and HubSpot is never called", async () => {
      const calls = await callsDuring(async () => {
        const res = await multipart(UPLOAD, { file: null, input: { folderPath: '/gql' } }, { 0: { bytes: Buffer.alloc(GATEWAY_MAX + 1), name: 'huge.bin', at: ['variables.file'] } });
        expect(res.status).toBe(413);
        expect(res.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(`${GATEWAY_MAX} bytes`) });
        const many = await multipart(UPLOAD, { file: null, input: { folderPath: '/gql' } }, Object.fromEntries(['a', 'b', 'c', 'd'].map((k) => [k, { bytes: k, name: `${k}.txt`, at: ['variables.file'] }])));
        expect(many.status).toBe(413);
        expect(many.body.errors[0].message).toMatch(/At most 3 files/);
      });
      expect(calls).toEqual([]);
    });

    test('CSRF prevention: a multipart request without a preflight header is refused and nothing is uploaded', async () => {
      const calls = await callsDuring(async () => {
        const res = await multipart(UPLOAD, { file: null, input: { folderPath: '/gql/csrf' } }, { 0: { bytes: 'x', name: 'csrf.txt', at: ['variables.file'] } }, {});
        expect(res.status).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/Cross-Site Request Forgery/) });
      });
      expect(calls).toEqual([]);
      const withName = await multipart(UPLOAD, { file: null, input: { folderPath: '/gql/csrf' } }, { 0: { bytes: 'x', name: 'csrf.txt', at: ['variables.file'] } }, { 'x-apollo-operation-name': 'Upload' });
      expect(withName.body.data.fileUpload.file.path).toBe('/gql/csrf/csrf.txt');
    });

    test('an Upload variable sent in a JSON request is BAD_USER_INPUT', async () => {
      const res = await gw.query(UPLOAD, { file: 'not-a-file.txt', input: { folderPath: '/gql' } });
      expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors[0].message).toMatch(/multipart request/);
    });
  });

  describe('reading files and folders', () => {
    test('file by id and by path, folder by id and by path; null when there is none; exactly one of id or path', async () => {
      const { file } = await upload({ bytes: png(2, 2), name: 'find-me.png' }, { folderPath: '/gql/read/deep' });
      const data = await ok(`query ($id: ID!, $path: String!, $folderId: ID!) {
        byId: file(id: $id) { id path }
        byPath: file(path: $path) { id }
        folderById: folder(id: $folderId) { path parent { path parent { path parent { id } } } }
        folderByPath: folder(path: "/gql/read/deep") { id name }
        folderAsFile: file(path: "/gql/read") { id }
        missing: file(id: "123") { id }
        missingPath: file(path: "/gql/nothing.png") { id }
        missingFolder: folder(path: "/gql/none") { id }
        notAnId: file(id: "abc") { id }
      }`, { id: file.id, path: '/gql/read/deep/FIND-ME.png', folderId: file.parentFolderId });
      expect(data).toEqual({
        byId: { id: file.id, path: '/gql/read/deep/find-me.png' },
        byPath: { id: file.id },
        folderById: { path: '/gql/read/deep', parent: { path: '/gql/read', parent: { path: '/gql', parent: null } } },
        folderByPath: { id: file.parentFolderId, name: 'deep' },
        folderAsFile: null,
        missing: null,
        missingPath: null,
        missingFolder: null,
        notAnId: null,
      });
      const both = await gw.query('{ file(id: "1", path: "/a") { id } }');
      expect(both.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect((await gw.query('{ folder { id } }')).body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    test('files: filters, sort, cursor paging; folders and Folder.files; one folder search for every parent at a level', async () => {
      const folder = (await ok('mutation { folderCreate(input: { name: "gql-search" }) { folder { id } userErrors { message } } }')).folderCreate.folder;
      for (const [name, bytes] of [['a.png', png(10, 10, 10)], ['b.png', png(20, 20, 500)], ['c.pdf', 'x'.repeat(300)], ['d.txt', 'y']] as Array<[string, Buffer | string]>) {
        await upload({ bytes, name }, { folderId: folder.id });
      }
      const query = `query ($after: String, $filter: FileSearchInput) {
        files(first: 2, after: $after, filter: $filter, sort: [{ field: NAME, direction: DESCENDING }]) {
          pageInfo { hasNextPage endCursor } edges { cursor node { name folder { path } } }
        }
      }`;
      const filter = { parentFolderIds: [folder.id] };
      let page: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      const calls = await callsDuring(async () => {
        page = (await ok(query, { filter })).files;
      });
      // One search, and one folder search for both files' folder.
      expect(calls).toEqual(['GET /files/v3/files/search', 'GET /files/v3/folders/search']);
      expect(page.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['d', 'c']);
      expect(page.edges[0].node.folder.path).toBe('/gql-search');
      expect(page.pageInfo.hasNextPage).toBe(true);
      const next = (await ok(query, { filter, after: page.pageInfo.endCursor })).files;
      expect(next.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['b', 'a']);
      expect(next.pageInfo.hasNextPage).toBe(false);
      const fromEdge = (await ok(query, { filter, after: page.edges[0].cursor })).files;
      expect(fromEdge.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['c', 'b']);

      const filtered = await ok(`query ($f: FileSearchInput) { files(first: 10, filter: $f, sort: [{ field: SIZE }]) { nodes { name extension size } } }`, { f: { ...filter, type: 'IMG', sizeGte: 30 } });
      expect(filtered.files.nodes.map((n: { name: string }) => n.name)).toEqual(['a', 'b']);
      const ext = await ok(`query ($f: FileSearchInput) { files(filter: $f) { nodes { name } } }`, { f: { ...filter, extension: '.pdf' } });
      expect(ext.files.nodes).toEqual([{ name: 'c' }]);
      const named = await ok(`query ($f: FileSearchInput) { files(filter: $f) { nodes { name } } }`, { f: { name: 'D', path: '/gql-search' } });
      expect(named.files.nodes).toEqual([{ name: 'd' }]);

      const folders = await ok(`query ($id: ID!) {
        folders(first: 5, filter: { ids: [$id] }) { nodes { name files(first: 3, sort: [{ field: NAME }]) { nodes { name } pageInfo { hasNextPage } } } }
      }`, { id: folder.id });
      expect(folders.folders.nodes).toEqual([{ name: 'gql-search', files: { nodes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], pageInfo: { hasNextPage: true } } }]);
    });

    test("HubSpot's caps are checked before any call: first ≤ 100, no offset past 10,000, ids are digits", async () => {
      const calls = await callsDuring(async () => {
        for (const [q, v] of [
          ['{ files(first: 101) { nodes { id } } }', {}],
          ['{ files(first: 0) { nodes { id } } }', {}],
          ['query ($a: String) { files(after: $a) { nodes { id } } }', { a: encodeCursor({ a: '10001', o: 0 }) }],
          ['query ($a: String) { folders(after: $a) { nodes { id } } }', { a: 'garbage' }],
          ['{ files(filter: { parentFolderIds: ["x"] }) { nodes { id } } }', {}],
          ['{ fileSignedUrl(id: "1", expirationSeconds: 0) { url } }', {}],
        ] as Array<[string, Record<string, unknown>]>) {
          const res = await gw.query(q, v);
          expect({ q, code: res.body.errors?.[0]?.extensions?.code }).toEqual({ q, code: 'BAD_USER_INPUT' });
        }
      });
      expect(calls).toEqual([]);
    });
  });

  describe('changing files', () => {
    test('fileReplace (multipart) keeps the id and path; fileSignedUrl gives a URL that serves the new bytes', async () => {
      const { file } = await upload({ bytes: png(5, 5), name: 'photo.png' }, { folderPath: '/gql/replace' });
      const bytes = png(64, 48);
      const res = await multipart(
        `mutation ($id: ID!, $file: Upload!) { fileReplace(id: $id, file: $file, input: { access: PRIVATE }) { file { id path width height size fileMd5 } userErrors { code } } }`,
        { id: file.id, file: null },
        { photo: { bytes, name: 'new.png', type: 'image/png', at: ['variables.file'] } },
      );
      expect(res.body.data.fileReplace).toEqual({ file: { id: file.id, path: file.path, width: 64, height: 48, size: bytes.length, fileMd5: expect.not.stringMatching(file.fileMd5) }, userErrors: [] });
      const signed = await ok('query ($id: ID!) { fileSignedUrl(id: $id, expirationSeconds: 60, size: THUMB) { url expiresAt name extension type size width height } }', { id: file.id });
      expect(signed.fileSignedUrl).toMatchObject({ name: 'photo', extension: 'png', type: 'IMG', size: bytes.length, width: 64, height: 48 });
      const got = await fetch(signed.fileSignedUrl.url);
      expect(got.status).toBe(200);
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
      expect((await fetch(signed.fileSignedUrl.url.replace(/Signature=[^&]+/, 'Signature=forged'))).status).toBe(403);
      expect((await ok('{ fileSignedUrl(id: "424242") { url } }')).fileSignedUrl).toBeNull();

      const missing = await multipart(`mutation ($file: Upload!) { fileReplace(id: "55555", file: $file) { file { id } userErrors { field code } } }`, { file: null }, { 0: { bytes: 'x', name: 'x.png', at: ['variables.file'] } });
      expect(missing.body.data.fileReplace.userErrors).toEqual([{ field: ['id'], code: 'NOT_FOUND' }]);
    });

    test('fileUpdate renames and moves; refusals are userErrors', async () => {
      const { file } = await upload({ bytes: png(1, 1), name: 'old.png' }, { folderPath: '/gql/update' });
      await upload({ bytes: png(1, 1), name: 'taken.png' }, { folderPath: '/gql/update' });
      const data = await ok(`mutation ($id: ID!) {
        moved: fileUpdate(id: $id, input: { name: "new", parentFolderPath: "/gql/updated", access: PUBLIC_NOT_INDEXABLE, isUsableInContent: false }) { file { path access } userErrors { code } }
      }`, { id: file.id });
      expect(data.moved).toEqual({ file: { path: '/gql/updated/new.png', access: 'PUBLIC_NOT_INDEXABLE' }, userErrors: [] });
      const back = await ok(`mutation ($id: ID!) { fileUpdate(id: $id, input: { name: "taken", parentFolderPath: "/gql/update" }) { file { id } userErrors { field code } } }`, { id: file.id });
      expect(back.fileUpdate).toEqual({ file: null, userErrors: [{ field: ['input', 'name'], code: 'CONFLICT' }] });
      const both = await ok(`mutation ($id: ID!) { fileUpdate(id: $id, input: { parentFolderId: "1", parentFolderPath: "/x" }) { userErrors { field code } } }`, { id: file.id });
      expect(both.fileUpdate.userErrors).toEqual([{ field: ['input', 'parentFolderId'], code: 'INVALID' }]);
      const missing = await ok('mutation { fileUpdate(id: "99999", input: { name: "x" }) { userErrors { field code } } }');
      expect(missing.fileUpdate.userErrors).toEqual([{ field: ['id'], code: 'NOT_FOUND' }]);
    });

    test('fileDelete keeps the file readable as archived; fileGdprDelete removes it; repeats are NOT_FOUND', async () => {
      const a = (await upload({ bytes: png(1, 1), name: 'del.png' }, { folderPath: '/gql/delete' })).file;
      const b = (await upload({ bytes: png(1, 1), name: 'gdpr.png' }, { folderPath: '/gql/delete' })).file;
      const data = await ok(`mutation ($a: ID!, $b: ID!) {
        del: fileDelete(id: $a) { deletedId userErrors { code } }
        gdpr: fileGdprDelete(id: $b) { deletedId userErrors { code } }
      }`, { a: a.id, b: b.id });
      expect(data).toEqual({ del: { deletedId: a.id, userErrors: [] }, gdpr: { deletedId: b.id, userErrors: [] } });
      const after = await ok('query ($a: ID!, $b: ID!) { a: file(id: $a) { archived archivedAt } b: file(id: $b) { id } }', { a: a.id, b: b.id });
      expect(after.a.archived).toBe(true);
      expect(after.a.archivedAt).toEqual(expect.any(String));
      expect(after.b).toBeNull();
      const again = await ok('mutation ($a: ID!, $b: ID!) { del: fileDelete(id: $a) { deletedId userErrors { field code } } gdpr: fileGdprDelete(id: $b) { deletedId userErrors { field code } } }', { a: a.id, b: b.id });
      expect(again).toEqual({ del: { deletedId: null, userErrors: [{ field: ['id'], code: 'NOT_FOUND' }] }, gdpr: { deletedId: null, userErrors: [{ field: ['id'], code: 'NOT_FOUND' }] } });
    });
  });

  describe('fileImportFromUrl', () => {
    const IMPORT = `mutation ($input: FileImportFromUrlInput!) { fileImportFromUrl(input: $input) { taskId task { status } userErrors { field code message } } }`;
    const STATUS = `query ($id: ID!) { fileImportStatus(taskId: $id) { taskId status requestedAt completedAt file { name path size width } errors { message category } } }`;
    const complete = (taskId: string) =>
      eventually(async () => {
        const s = (await ok(STATUS, { id: taskId })).fileImportStatus;
        return s.status === 'COMPLETE' ? s : undefined;
      });

    test('imports from a local HTTP server: PENDING or PROCESSING while it runs, then COMPLETE with the file', async () => {
      const bytes = png(30, 20);
      source.set('/assets/banner.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(bytes));
      source.hold();
      const started = (await ok(IMPORT, { input: { url: `${source.url}/assets/banner.png`, folderPath: '/gql/imported', access: 'PUBLIC_INDEXABLE' } })).fileImportFromUrl;
      expect(started.userErrors).toEqual([]);
      expect(['PENDING', 'PROCESSING']).toContain(started.task.status);
      expect(['PENDING', 'PROCESSING']).toContain((await ok(STATUS, { id: started.taskId })).fileImportStatus.status);
      source.release();
      const done = await complete(started.taskId);
      expect(done).toMatchObject({ taskId: started.taskId, errors: [], file: { name: 'banner', path: '/gql/imported/banner.png', size: bytes.length, width: 30 } });
    });

    test('a source answering 404 or too much completes with errors; bad input is a userError; unknown tasks are null', async () => {
      const missing = (await ok(IMPORT, { input: { url: `${source.url}/nope.png`, folderPath: '/gql/imported' } })).fileImportFromUrl;
      expect(await complete(missing.taskId)).toMatchObject({ file: null, errors: [{ category: 'FILE_IMPORT_FAILED', message: expect.stringMatching(/404/) }] });
      source.set('/big.bin', (_req, res) => res.writeHead(200).end(Buffer.alloc(HUBSPOT_MAX + 1)));
      const big = (await ok(IMPORT, { input: { url: `${source.url}/big.bin`, folderPath: '/gql/imported' } })).fileImportFromUrl;
      expect((await complete(big.taskId)).errors[0].category).toBe('FILE_TOO_LARGE');
      expect((await ok(IMPORT, { input: { url: 'http://x/a.png' } })).fileImportFromUrl).toMatchObject({ taskId: null, userErrors: [{ field: ['input', 'folderId'], code: 'INVALID' }] });
      expect((await ok(IMPORT, { input: { url: 'http://x/a.png', folderId: '31313' } })).fileImportFromUrl.userErrors[0]).toMatchObject({ field: ['input', 'folderId'], code: 'NOT_FOUND' });
      expect((await ok(STATUS, { id: 'no-such-task' })).fileImportStatus).toBeNull();
    });
  });

  describe('folders', () => {
    test('folderCreate, folderUpdate and folderDelete (by id and by path), with userErrors', async () => {
      const created = await ok(`mutation {
        top: folderCreate(input: { name: "gql-folders" }) { folder { id path } userErrors { code } }
      }`);
      const top = created.top.folder;
      const child = (await ok('mutation ($p: ID!) { folderCreate(input: { name: "child", parentFolderId: $p }) { folder { id path parent { id } } userErrors { code } } }', { p: top.id })).folderCreate.folder;
      expect(child).toEqual({ id: expect.any(String), path: '/gql-folders/child', parent: { id: top.id } });
      const byPath = (await ok('mutation { folderCreate(input: { name: "sibling", parentPath: "/gql-folders" }) { folder { path } } }')).folderCreate.folder;
      expect(byPath.path).toBe('/gql-folders/sibling');

      const dup = await ok('mutation { folderCreate(input: { name: "gql-folders" }) { folder { id } userErrors { field code } } }');
      expect(dup.folderCreate.userErrors).toEqual([{ field: ['input', 'name'], code: 'CONFLICT' }]);
      const noParent = await ok('mutation { folderCreate(input: { name: "x", parentPath: "/no/where" }) { userErrors { field code } } }');
      expect(noParent.folderCreate.userErrors).toEqual([{ field: ['input', 'parentPath'], code: 'NOT_FOUND' }]);
      const both = await ok('mutation { folderCreate(input: { name: "x", parentFolderId: "1", parentPath: "/a" }) { userErrors { field code } } }');
      expect(both.folderCreate.userErrors).toEqual([{ field: ['input', 'parentFolderId'], code: 'INVALID' }]);

      const renamed = await ok('mutation ($id: ID!) { folderUpdate(id: $id, input: { name: "kid" }) { folder { path } userErrors { code } } }', { id: child.id });
      expect(renamed.folderUpdate).toEqual({ folder: { path: '/gql-folders/kid' }, userErrors: [] });
      const toRoot = await ok('mutation ($id: ID!) { folderUpdate(id: $id, input: { parentFolderId: "0" }) { folder { path parentFolderId } } }', { id: child.id });
      expect(toRoot.folderUpdate.folder).toEqual({ path: '/kid', parentFolderId: null });
      const intoItself = await ok('mutation ($id: ID!) { folderUpdate(id: $id, input: { parentFolderId: $id }) { userErrors { field code } } }', { id: top.id });
      expect(intoItself.folderUpdate.userErrors).toEqual([{ field: ['input'], code: 'INVALID' }]);

      const deleted = await ok('mutation ($id: ID!) { byId: folderDelete(id: $id) { deletedId userErrors { code } } byPath: folderDelete(path: "/gql-folders/sibling") { deletedId userErrors { code } } }', { id: child.id });
      expect(deleted.byId).toEqual({ deletedId: child.id, userErrors: [] });
      expect(deleted.byPath.deletedId).toEqual(expect.any(String));
      const gone = await ok('mutation { folderDelete(path: "/gql-folders/sibling") { deletedId userErrors { field code } } }');
      expect(gone.folderDelete).toEqual({ deletedId: null, userErrors: [{ field: ['path'], code: 'NOT_FOUND' }] });
      const neither = await ok('mutation { folderDelete { deletedId userErrors { field code } } }');
      expect(neither.folderDelete.userErrors).toEqual([{ field: ['id'], code: 'INVALID' }]);
    });
  });
});
