import { randomUUID } from 'node:crypto';
import { extensionOfMime, splitFileName } from './filesContent';
import { resolveFolderTarget, type FolderTarget, type NewFileOptions } from './filesInput';
import { checkName, type AsyncTask, type FileStore, type StoredFile } from './filesStore';
import { HubSpotHttpError } from './errors';

/**
 * `import-from-url/async`: the task is accepted at once (202) and runs in the background — the emulator really
 * fetches the URL, as HubSpot does — moving PENDING → PROCESSING → COMPLETE with the new file or an error
 * (a URL that is not http(s), a source that fails or answers non-2xx, a body past the size limit).
 */
export interface ImportRequest {
  url: string;
  name?: string;
  target: FolderTarget;
  options: NewFileOptions;
}

/** How long the emulator waits for a source before failing the task. */
const IMPORT_TIMEOUT_MS = 30_000;

const now = () => new Date().toISOString();

class ImportFailure extends Error {
  constructor(
    readonly category: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Reads the source's body, refusing it as soon as it passes `maxBytes` (declared or actual). */
async function download(url: URL, maxBytes: number): Promise<{ bytes: Buffer; contentType?: string }> {
  let res: globalThis.Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(IMPORT_TIMEOUT_MS) });
  } catch (e) {
    throw new ImportFailure('FILE_IMPORT_FAILED', `Could not fetch ${url.href}: ${(e as Error).message}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new ImportFailure('FILE_IMPORT_FAILED', `The source answered ${res.status} for ${url.href}`);
  }
  const tooLarge = () => new ImportFailure('FILE_TOO_LARGE', `The file at ${url.href} is larger than the maximum upload size of ${maxBytes} bytes`, 413);
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge();
      chunks.push(Buffer.from(chunk));
    }
  } catch (e) {
    if (e instanceof ImportFailure) throw e;
    throw new ImportFailure('FILE_IMPORT_FAILED', `Reading ${url.href} failed: ${(e as Error).message}`);
  }
  return { bytes: Buffer.concat(chunks), ...(res.headers.get('content-type') ? { contentType: res.headers.get('content-type')! } : {}) };
}

/** The file's name: the one asked for, else the URL's last segment, else `import`; the extension from either or the MIME type. */
function nameOf(request: ImportRequest, url: URL, contentType?: string): { name: string; extension: string } {
  const lastSegment = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  const fromUrl = splitFileName(lastSegment);
  const given = request.name !== undefined ? splitFileName(checkName(request.name, 'name')) : undefined;
  const name = given?.name || fromUrl.name || 'import';
  const extension = given?.extension || fromUrl.extension || extensionOfMime(contentType);
  return { name, extension };
}

async function runImport(store: FileStore, task: AsyncTask<StoredFile>, request: ImportRequest, maxBytes: number): Promise<void> {
  task.status = 'PROCESSING';
  task.startedAt = now();
  try {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new ImportFailure('VALIDATION_ERROR', `'${request.url}' is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ImportFailure('VALIDATION_ERROR', `Only http and https URLs can be imported, got ${url.protocol}`);
    const { bytes, contentType } = await download(url, maxBytes);
    if (bytes.length === 0) throw new ImportFailure('VALIDATION_ERROR', `The file at ${url.href} is empty`);
    const { name, extension } = nameOf(request, url, contentType);
    const folder = resolveFolderTarget(store, request.target);
    task.result = store.addFile({ name, extension, folder, bytes, ...request.options });
  } catch (e) {
    if (e instanceof ImportFailure) task.error = { category: e.category, message: e.message, status: e.status };
    else if (e instanceof HubSpotHttpError) task.error = { category: e.category, message: e.message, status: e.status };
    else task.error = { category: 'INTERNAL_ERROR', message: 'internal error', status: 500 };
  }
  task.status = 'COMPLETE';
  task.completedAt = now();
}

/** Queues an import and returns its task; the fetch starts after the 202 has been answered. */
export function startImport(store: FileStore, request: ImportRequest, maxBytes: number): AsyncTask<StoredFile> {
  const task: AsyncTask<StoredFile> = { id: randomUUID(), status: 'PENDING', requestedAt: now() };
  store.importTasks.set(task.id, task);
  setImmediate(() => void runImport(store, task, request, maxBytes));
  return task;
}
