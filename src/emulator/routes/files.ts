import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { portalOf, queryBool, queryInt, queryString, requireScope, stateOf } from '../context';
import { conflict, notFound, validationError } from '../errors';
import { splitFileName } from '../filesContent';
import { publicUrlOf, sendFileBytes, signedUrlOf, SIGNED_SIZES, type SignedSize } from '../filesHosting';
import { startImport } from '../filesImport';
import { parseAccess, parseBoolean, parseFolderTarget, parseInstant, parseJsonField, parseNewFileOptions, resolveFolderTarget } from '../filesInput';
import { fileTooLarge, readMultipart } from '../filesMultipart';
import { idListParam, searchPage, type SearchFields } from '../filesSearch';
import { checkName, filesOf, isHiddenAccess, isPublicAccess, pathSegments, type AsyncTask, type FileStore, type StoredFile, type StoredFolder } from '../filesStore';
import { bodyObject } from '../inputProblems';

/** The scopes files-v3 declares, any one sufficing: reads, writes, deletes. */
const READ = ['files', 'files.read', 'files.ui_hidden.read'];
const WRITE = ['files', 'files.write', 'files.ui_hidden.write'];
const DELETE = ['files', 'files.delete', 'files.ui_hidden.write'];

const originOf = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** The caller's portal and its file manager, after the scope check. */
function target(res: Response, scopes: string[]) {
  requireScope(res, ...scopes);
  const portal = portalOf(res);
  return { portal, store: filesOf(portal) };
}

/** Path parameters declared `\d+`: anything else names nothing. */
function idParam(req: Request, name: 'fileId' | 'folderId', what: string): string {
  const id = String(req.params[name]);
  if (!/^\d+$/.test(id)) throw notFound(`No ${what} with id ${id}`);
  return id;
}

/** A wildcard path parameter (`/stat/*path`): Express hands over its segments. */
const wildcardPath = (req: Request, name: string) => `/${((req.params as unknown as Record<string, string[]>)[name] ?? []).join('/')}`;

/** `File` of files-v3. Private files' `url` is the authenticated download route; public ones are served at /hubfs. */
function renderFile(req: Request, portalId: number, store: FileStore, f: StoredFile) {
  const origin = originOf(req);
  const path = store.filePath(f);
  const url = isPublicAccess(f.access) ? publicUrlOf(origin, portalId, path) : `${origin}/files/v3/files/${f.id}/download`;
  return {
    id: f.id,
    name: f.name,
    ...(f.extension ? { extension: f.extension, encoding: f.extension } : {}),
    path,
    ...(f.parentFolderId !== undefined ? { parentFolderId: f.parentFolderId } : {}),
    size: f.bytes.length,
    type: f.type,
    ...(f.width !== undefined ? { width: f.width, height: f.height } : {}),
    url,
    defaultHostingUrl: url,
    access: f.access,
    isUsableInContent: f.isUsableInContent,
    ...(f.expiresAt !== undefined ? { expiresAt: f.expiresAt } : {}),
    fileMd5: f.md5,
    sourceGroup: 'CONTENT',
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    archived: f.archived,
    ...(f.archivedAt ? { archivedAt: f.archivedAt } : {}),
  };
}

function renderFolder(store: FileStore, f: StoredFolder) {
  return {
    id: f.id,
    name: f.name,
    path: store.folderPath(f.id),
    ...(f.parentFolderId !== undefined ? { parentFolderId: f.parentFolderId } : {}),
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    archived: f.archived,
    ...(f.archivedAt ? { archivedAt: f.archivedAt } : {}),
  };
}

/** FileActionResponse / FolderActionResponse. The spec requires startedAt and completedAt even while a task waits. */
function renderTask<T>(task: AsyncTask<T>, render: (result: T) => unknown, statusLink: string) {
  return {
    taskId: task.id,
    status: task.status,
    requestedAt: task.requestedAt,
    startedAt: task.startedAt ?? task.requestedAt,
    completedAt: task.completedAt ?? task.startedAt ?? task.requestedAt,
    ...(task.result !== undefined ? { result: render(task.result) } : {}),
    ...(task.error
      ? { numErrors: 1, errors: [{ status: String(task.error.status), category: task.error.category, message: task.error.message, context: {}, links: {}, errors: [] }] }
      : {}),
    links: { status: statusLink },
  };
}

const fileFields = (store: FileStore): SearchFields<StoredFile> => ({
  id: { kind: 'number', get: (f) => Number(f.id), filterable: false },
  name: { kind: 'text', get: (f) => f.name, filterable: false },
  path: { kind: 'text', get: (f) => store.filePath(f), filterable: false },
  extension: { kind: 'text', get: (f) => f.extension, filterable: false },
  type: { kind: 'text', get: (f) => f.type },
  encoding: { kind: 'text', get: (f) => f.extension, sortable: false },
  fileMd5: { kind: 'text', get: (f) => f.md5, sortable: false },
  size: { kind: 'number', get: (f) => f.bytes.length },
  width: { kind: 'number', get: (f) => f.width },
  height: { kind: 'number', get: (f) => f.height },
  createdAt: { kind: 'date', get: (f) => f.createdAt },
  updatedAt: { kind: 'date', get: (f) => f.updatedAt },
  expiresAt: { kind: 'date', get: (f) => f.expiresAt },
  isUsableInContent: { kind: 'boolean', get: (f) => f.isUsableInContent, sortable: false },
  allowsAnonymousAccess: { kind: 'boolean', get: (f) => isPublicAccess(f.access), sortable: false },
});

const folderFields = (store: FileStore): SearchFields<StoredFolder> => ({
  id: { kind: 'number', get: (f) => Number(f.id), filterable: false },
  name: { kind: 'text', get: (f) => f.name, filterable: false },
  path: { kind: 'text', get: (f) => store.folderPath(f.id), filterable: false },
  createdAt: { kind: 'date', get: (f) => f.createdAt },
  updatedAt: { kind: 'date', get: (f) => f.updatedAt },
});

/** The filters every search shares: `name` (contains, case-insensitive), `path` (the item or anything under it), id lists and ranges. */
function commonFilters<T extends { id: string; name: string; parentFolderId?: string }>(req: Request, pathOf: (item: T) => string): Array<(item: T) => boolean> {
  const out: Array<(item: T) => boolean> = [];
  const name = queryString(req, 'name')?.toLowerCase();
  if (name) out.push((item) => item.name.toLowerCase().includes(name));
  const path = queryString(req, 'path');
  if (path) {
    const wanted = `/${pathSegments(path).join('/')}`.toLowerCase();
    out.push((item) => {
      const p = pathOf(item).toLowerCase();
      return p === wanted || p.startsWith(wanted === '/' ? '/' : `${wanted}/`);
    });
  }
  const ids = idListParam(req, 'ids');
  if (ids) out.push((item) => ids.has(item.id));
  const parents = idListParam(req, 'parentFolderIds');
  if (parents) out.push((item) => item.parentFolderId !== undefined && parents.has(item.parentFolderId));
  const idGte = queryInt(req, 'idGte', 0, 0, Number.MAX_SAFE_INTEGER);
  const idLte = queryInt(req, 'idLte', Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER);
  out.push((item) => Number(item.id) >= idGte && Number(item.id) <= idLte);
  return out;
}

async function readUpload(req: Request) {
  const maxBytes = stateOf(req).options.fileMaxBytes;
  const form = await readMultipart(req, maxBytes);
  if (!form.file) throw validationError('The file is missing: send it as a multipart part named file', { errors: [{ message: 'required', in: 'file' }] });
  if (form.file.bytes.length === 0) throw validationError('The file is empty', { errors: [{ message: 'empty', in: 'file' }] });
  if (form.file.bytes.length > maxBytes) throw fileTooLarge(maxBytes);
  return { form, file: form.file };
}

function fileEndpoints(r: Router): void {
  r.post('/files/v3/files', async (req, res) => {
    const { portal, store } = target(res, WRITE);
    const { form, file } = await readUpload(req);
    const options = parseNewFileOptions(parseJsonField(form.fields.options, 'options'), 'options.');
    const placement = parseFolderTarget(form.fields, 'folderId', 'folderPath');
    const given = splitFileName(checkName(form.fields.fileName ?? file.filename, 'fileName'));
    const extension = given.extension || splitFileName(file.filename).extension;
    const folder = resolveFolderTarget(store, placement);
    const charset = form.fields.charsetHunch;
    const stored = store.addFile({ name: given.name, extension, folder, bytes: file.bytes, ...options, ...(charset ? { charset } : {}) });
    res.status(201).setHeader('Location', `${originOf(req)}/files/v3/files/${stored.id}`);
    res.json(renderFile(req, portal.portalId, store, stored));
  });

  r.get('/files/v3/files/search', (req, res) => {
    const { portal, store } = target(res, READ);
    const extension = queryString(req, 'extension')?.replace(/^\./, '').toLowerCase();
    const visible = [...store.files.values()].filter((f) => !f.archived && !isHiddenAccess(f.access));
    const extra = [...commonFilters<StoredFile>(req, (f) => store.filePath(f))];
    if (extension) extra.push((f) => f.extension === extension);
    const url = queryString(req, 'url');
    if (url) extra.push((f) => renderFile(req, portal.portalId, store, f).url === url);
    const page = searchPage(req, visible, fileFields(store), (f) => f.id, extra);
    res.json({ ...page, results: page.results.map((f) => renderFile(req, portal.portalId, store, f)) });
  });

  r.get('/files/v3/files/stat/*path', (req, res) => {
    const { portal, store } = target(res, READ);
    const path = wildcardPath(req, 'path');
    const file = store.fileByPath(path);
    const folder = file ? undefined : store.folderByPath(path);
    if (!file && (!folder || pathSegments(path).length === 0)) throw notFound(`Nothing at path ${path}`);
    res.json(file ? { file: renderFile(req, portal.portalId, store, file) } : { folder: renderFolder(store, folder!) });
  });

  r.post('/files/v3/files/import-from-url/async', (req, res) => {
    const { store } = target(res, WRITE);
    const body = bodyObject(req);
    if (typeof body.url !== 'string' || body.url.trim() === '') throw validationError('url is required', { errors: [{ message: 'required', in: 'url' }] });
    const options = parseNewFileOptions(body, '');
    const placement = parseFolderTarget(body, 'folderId', 'folderPath');
    if (placement.folderId !== undefined) store.liveFolder(placement.folderId);
    if (body.name !== undefined && body.name !== null) checkName(body.name, 'name');
    const task = startImport(store, { url: body.url.trim(), ...(typeof body.name === 'string' ? { name: body.name } : {}), target: placement, options }, stateOf(req).options.fileMaxBytes);
    res.status(202).json({ id: task.id, links: { status: `${originOf(req)}/files/v3/files/import-from-url/async/tasks/${task.id}/status` } });
  });

  r.get('/files/v3/files/import-from-url/async/tasks/:taskId/status', (req, res) => {
    const { portal, store } = target(res, READ);
    const task = store.importTasks.get(String(req.params.taskId));
    if (!task) throw notFound(`No import task with id ${req.params.taskId}`);
    res.json(renderTask(task, (f) => renderFile(req, portal.portalId, store, f), `${originOf(req)}${req.path}`));
  });

  r.get('/files/v3/files/:fileId', (req, res) => {
    const { portal, store } = target(res, READ);
    const id = idParam(req, 'fileId', 'file');
    // Deleted files stay readable by id (archived: true), as HubSpot's recycle bin keeps them.
    const file = store.files.get(id);
    if (!file) throw notFound(`No file with id ${id}`);
    res.json(renderFile(req, portal.portalId, store, file));
  });

  r.patch('/files/v3/files/:fileId', (req, res) => {
    const { portal, store } = target(res, WRITE);
    const file = store.liveFile(idParam(req, 'fileId', 'file'));
    const body = bodyObject(req);
    const access = parseAccess(body.access, 'access', false);
    const expiresAt = parseInstant(body.expiresAt, 'expiresAt');
    const clearExpires = parseBoolean(body.clearExpires, 'clearExpires') ?? false;
    const usable = parseBoolean(body.isUsableInContent, 'isUsableInContent');
    const hasMove = (body.parentFolderId ?? '') !== '' || (body.parentFolderPath ?? '') !== '';
    const folder = hasMove ? resolveFolderTarget(store, parseFolderTarget(body, 'parentFolderId', 'parentFolderPath')) : store.folders.get(file.parentFolderId ?? '');
    let name = file.name;
    if (body.name !== undefined && body.name !== null) {
      name = checkName(body.name, 'name');
      // A name given with the file's own extension means the same name.
      if (file.extension && name.toLowerCase().endsWith(`.${file.extension}`)) name = name.slice(0, -file.extension.length - 1);
    }
    const clash = store.fileNamed(folder?.id, name, file.extension);
    if (clash && clash !== file) throw conflict(`A file named '${name}${file.extension ? `.${file.extension}` : ''}' already exists in '${store.folderPath(folder?.id) || '/'}'`);
    file.name = name;
    if (folder) file.parentFolderId = folder.id;
    else delete file.parentFolderId;
    if (access) file.access = access;
    if (usable !== undefined) file.isUsableInContent = usable;
    if (clearExpires) delete file.expiresAt;
    else if (expiresAt !== undefined) file.expiresAt = expiresAt;
    file.updatedAt = new Date().toISOString();
    res.json(renderFile(req, portal.portalId, store, file));
  });

  r.put('/files/v3/files/:fileId', async (req, res) => {
    const { portal, store } = target(res, WRITE);
    const file = store.liveFile(idParam(req, 'fileId', 'file'));
    const { form, file: part } = await readUpload(req);
    const options = parseJsonField(form.fields.options, 'options');
    const access = parseAccess(options.access, 'options.access', false);
    const expiresAt = parseInstant(options.expiresAt, 'options.expiresAt');
    store.replaceContent(file, part.bytes, form.fields.charsetHunch);
    if (access) file.access = access;
    if (expiresAt !== undefined) file.expiresAt = expiresAt;
    res.json(renderFile(req, portal.portalId, store, file));
  });

  r.delete('/files/v3/files/:fileId', (req, res) => {
    const { store } = target(res, DELETE);
    store.archiveFile(store.liveFile(idParam(req, 'fileId', 'file')));
    res.status(204).end();
  });

  r.delete('/files/v3/files/:fileId/gdpr-delete', (req, res) => {
    const { store } = target(res, DELETE);
    const id = idParam(req, 'fileId', 'file');
    // Gone for good, archived or not: the bytes and every trace of the file.
    if (!store.files.delete(id)) throw notFound(`No file with id ${id}`);
    res.status(204).end();
  });

  r.get('/files/v3/files/:fileId/signed-url', (req, res) => {
    const { portal, store } = target(res, READ);
    const file = store.liveFile(idParam(req, 'fileId', 'file'));
    const expirationSeconds = queryInt(req, 'expirationSeconds', 3600, 1, 315_360_000);
    const size = queryString(req, 'size');
    if (size !== undefined && !SIGNED_SIZES.includes(size as SignedSize)) throw validationError(`Invalid value for query parameter size: '${size}' must be one of ${SIGNED_SIZES.join(', ')}`);
    queryBool(req, 'upscale'); // accepted and checked; the emulator serves the original bytes at every size
    const expires = Math.floor(Date.now() / 1000) + expirationSeconds;
    res.json({
      url: signedUrlOf(originOf(req), portal.portalId, file, expires, size as SignedSize | undefined),
      expiresAt: new Date(expires * 1000).toISOString(),
      name: file.name,
      extension: file.extension,
      type: file.type,
      size: file.bytes.length,
      ...(file.width !== undefined ? { width: file.width, height: file.height } : {}),
    });
  });

  r.get('/files/v3/files/:fileId/download', (req, res) => {
    const { store } = target(res, READ);
    sendFileBytes(res, store.liveFile(idParam(req, 'fileId', 'file')));
  });
}

function folderEndpoints(r: Router): void {
  r.post('/files/v3/folders', (req, res) => {
    const { store } = target(res, WRITE);
    const body = bodyObject(req);
    const name = checkName(body.name, 'name');
    const hasId = (body.parentFolderId ?? '') !== '';
    const hasPath = (body.parentPath ?? '') !== '';
    if (hasId && hasPath) throw validationError('Give parentFolderId or parentPath, not both');
    let parent: StoredFolder | undefined;
    if (hasId) parent = store.liveFolder(String(body.parentFolderId));
    else if (hasPath) {
      parent = store.folderByPath(String(body.parentPath));
      if (!parent && pathSegments(String(body.parentPath)).length) throw notFound(`No folder at path ${String(body.parentPath)}`);
    }
    const folder = store.createFolder(name, parent);
    res.status(201).setHeader('Location', `${originOf(req)}/files/v3/folders/${folder.id}`);
    res.json(renderFolder(store, folder));
  });

  r.get('/files/v3/folders/search', (req, res) => {
    const { store } = target(res, READ);
    const live = [...store.folders.values()].filter((f) => !f.archived);
    const page = searchPage(req, live, folderFields(store), (f) => f.id, commonFilters<StoredFolder>(req, (f) => store.folderPath(f.id)));
    res.json({ ...page, results: page.results.map((f) => renderFolder(store, f)) });
  });

  r.post('/files/v3/folders/update/async', (req, res) => {
    const { store } = target(res, WRITE);
    const body = bodyObject(req);
    if (body.id === undefined || body.id === null || !/^\d+$/.test(String(body.id))) throw validationError('id is required: the id of the folder to update', { errors: [{ message: 'required', in: 'id' }] });
    const change = folderChange(body);
    const folder = store.liveFolder(String(body.id));
    const task: AsyncTask<StoredFolder> = { id: randomUUID(), status: 'PENDING', requestedAt: new Date().toISOString() };
    store.folderTasks.set(task.id, task);
    // Applied after the 202, as HubSpot applies it in the background; a failure lands on the task.
    setImmediate(() => {
      task.status = 'PROCESSING';
      task.startedAt = new Date().toISOString();
      try {
        task.result = store.updateFolder(folder, change);
      } catch (e) {
        const err = e as { status?: number; category?: string; message: string };
        task.error = { status: err.status ?? 500, category: err.category ?? 'INTERNAL_ERROR', message: err.message };
      }
      task.status = 'COMPLETE';
      task.completedAt = new Date().toISOString();
    });
    res.status(202).json({ id: task.id, links: { status: `${originOf(req)}/files/v3/folders/update/async/tasks/${task.id}/status` } });
  });

  r.get('/files/v3/folders/update/async/tasks/:taskId/status', (req, res) => {
    const { store } = target(res, WRITE);
    const task = store.folderTasks.get(String(req.params.taskId));
    if (!task) throw notFound(`No folder update task with id ${req.params.taskId}`);
    res.json(renderTask(task, (f) => renderFolder(store, f), `${originOf(req)}${req.path}`));
  });

  // `{folderId}` is declared `\d+`; anything else is a `{folderPath}` and falls through to the routes below.
  r.get('/files/v3/folders/:folderId', (req, res, next) => {
    if (!/^\d+$/.test(String(req.params.folderId))) return next();
    const { store } = target(res, READ);
    res.json(renderFolder(store, store.liveFolder(String(req.params.folderId))));
  });

  r.patch('/files/v3/folders/:folderId', (req, res) => {
    const { store } = target(res, WRITE);
    const folder = store.liveFolder(idParam(req, 'folderId', 'folder'));
    res.json(renderFolder(store, store.updateFolder(folder, folderChange(bodyObject(req)))));
  });

  r.delete('/files/v3/folders/:folderId', (req, res, next) => {
    if (!/^\d+$/.test(String(req.params.folderId))) return next();
    const { store } = target(res, DELETE);
    store.archiveFolder(store.liveFolder(String(req.params.folderId)));
    res.status(204).end();
  });

  r.get('/files/v3/folders/*folderPath', (req, res) => {
    const { store } = target(res, READ);
    const path = wildcardPath(req, 'folderPath');
    const folder = store.folderByPath(path);
    if (!folder) throw notFound(`No folder at path ${path}`);
    res.json(renderFolder(store, folder));
  });

  r.delete('/files/v3/folders/*folderPath', (req, res) => {
    const { store } = target(res, DELETE);
    const path = wildcardPath(req, 'folderPath');
    const folder = store.folderByPath(path);
    if (!folder) throw notFound(`No folder at path ${path}`);
    store.archiveFolder(folder);
    res.status(204).end();
  });
}

/** FolderUpdateInput: a new name and/or a new parent (an int64 id; null or 0 for the root). */
function folderChange(body: Record<string, unknown>): { name?: string; parentFolderId?: string | null } {
  const change: { name?: string; parentFolderId?: string | null } = {};
  if (body.name !== undefined && body.name !== null) change.name = checkName(body.name, 'name');
  if (body.parentFolderId !== undefined) {
    const p = body.parentFolderId;
    if (p === null || p === 0 || p === '0') change.parentFolderId = null;
    else if ((typeof p === 'number' && Number.isInteger(p) && p > 0) || (typeof p === 'string' && /^\d+$/.test(p))) change.parentFolderId = String(p);
    else throw validationError(`parentFolderId must be a folder id, got ${JSON.stringify(p)}`);
  }
  return change;
}

/** Files v3 (files-v3.json): files with their bytes, folders, search, signed URLs, URL imports and async folder updates. */
export function fileRoutes(): Router {
  const r = Router();
  fileEndpoints(r);
  folderEndpoints(r);
  return r;
}
