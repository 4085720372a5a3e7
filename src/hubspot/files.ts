import type { HubSpotClient, QueryValue } from './client';
import type { CollectionResponse, StandardError } from './types';

/**
 * Files v3 (files-v3.json): the file manager's files and folders. Wire shapes written by hand from the spec.
 * Uploads and replaces are multipart; the body is built with the platform's FormData, so the boundary and
 * part headers are the standard encoding.
 */
export type FileAccess =
  | 'HIDDEN_INDEXABLE' | 'HIDDEN_NOT_INDEXABLE' | 'HIDDEN_PRIVATE' | 'HIDDEN_SENSITIVE'
  | 'PRIVATE' | 'PUBLIC_INDEXABLE' | 'PUBLIC_NOT_INDEXABLE' | 'SENSITIVE';

export interface HubSpotFile {
  id: string;
  name?: string;
  extension?: string;
  path?: string;
  parentFolderId?: string;
  size?: number;
  /** IMG, DOCUMENT, AUDIO, MOVIE or OTHER. */
  type?: string;
  encoding?: string;
  width?: number;
  height?: number;
  url?: string;
  defaultHostingUrl?: string;
  access: FileAccess;
  isUsableInContent?: boolean;
  /** Epoch ms. */
  expiresAt?: number;
  fileMd5?: string;
  sourceGroup?: string;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export interface HubSpotFolder {
  id: string;
  name?: string;
  path?: string;
  parentFolderId?: string;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export interface SignedUrl {
  url: string;
  expiresAt: string;
  name: string;
  extension: string;
  type: string;
  size: number;
  width?: number;
  height?: number;
}

export interface TaskLocator {
  id: string;
  links: Record<string, string>;
}

/** FileActionResponse: an import task's state, with the new file or the errors once COMPLETE. */
export interface FileActionResponse {
  taskId: string;
  status: 'PENDING' | 'PROCESSING' | 'COMPLETE' | 'CANCELED';
  requestedAt?: string;
  startedAt: string;
  completedAt: string;
  result?: HubSpotFile;
  numErrors?: number;
  errors?: StandardError[];
}

/** The bytes of a file to send, with the name and type its multipart part carries. */
export interface FileContent {
  bytes: Uint8Array;
  filename: string;
  contentType: string;
}

/** FileUploadOptions (upload's `options` part) and the same fields of ImportFromUrlInput. */
export interface NewFileOptions {
  access: FileAccess;
  ttl?: string;
  overwrite?: boolean;
  duplicateValidationStrategy?: 'NONE' | 'REJECT' | 'RETURN_EXISTING';
  duplicateValidationScope?: 'ENTIRE_PORTAL' | 'EXACT_FOLDER';
  expiresAt?: string;
}

/** Exactly one of them: where a new file goes (a missing path is created). */
export type FolderTarget = { folderId: string; folderPath?: undefined } | { folderPath: string; folderId?: undefined };

export interface FileUpdateInput {
  access?: FileAccess;
  clearExpires?: boolean;
  expiresAt?: string;
  isUsableInContent?: boolean;
  name?: string;
  parentFolderId?: string;
  parentFolderPath?: string;
}

export interface FolderInput {
  name: string;
  parentFolderId?: string;
  parentPath?: string;
}

export interface FolderUpdateInput {
  name?: string;
  parentFolderId?: number;
}

/** Query parameters of `GET /files/v3/files/search` and `/folders/search` (lists sent comma-separated). */
export type SearchParams = Record<string, QueryValue>;

/** The spec's `after` offset cap of both searches. */
export const FILE_SEARCH_MAX_OFFSET = 10_000;
export const FILE_SEARCH_MAX_LIMIT = 100;

/** A multipart body as bytes plus its Content-Type (with the boundary), encoded by the platform. */
async function multipart(parts: Array<[string, string | FileContent | undefined]>): Promise<{ contentType: string; bytes: Uint8Array }> {
  const form = new FormData();
  for (const [name, value] of parts) {
    if (value === undefined) continue;
    if (typeof value === 'string') form.append(name, value);
    // (Node's Buffers sit on plain ArrayBuffers, never shared ones, which is what Blob wants.)
    else form.append(name, new Blob([value.bytes as Uint8Array<ArrayBuffer>], { type: value.contentType }), value.filename);
  }
  const encoded = new Response(form);
  return { contentType: encoded.headers.get('content-type')!, bytes: new Uint8Array(await encoded.arrayBuffer()) };
}

/** A path parameter that is itself a path: sent without its leading slash, its own slashes kept (`{+path}`). */
const relativePath = (path: string) => path.replace(/^\/+/, '');

export class FilesApi {
  constructor(private readonly client: HubSpotClient) {}

  /** Uploads one file. Not idempotent: a repeat makes a second file (or a renamed one). */
  async upload(file: FileContent, where: FolderTarget & { fileName?: string; charsetHunch?: string }, options: NewFileOptions) {
    const rawBody = await multipart([
      ['file', file],
      ['fileName', where.fileName],
      ['folderId', where.folderId],
      ['folderPath', where.folderPath],
      ['charsetHunch', where.charsetHunch],
      ['options', JSON.stringify(options)],
    ]);
    return this.client.call<HubSpotFile>({ method: 'POST', operation: '/files/v3/files', rawBody, idempotent: false });
  }

  get(fileId: string) {
    return this.client.call<HubSpotFile>({ method: 'GET', operation: '/files/v3/files/{fileId}', params: { fileId }, idempotent: true });
  }

  update(fileId: string, input: FileUpdateInput) {
    return this.client.call<HubSpotFile>({ method: 'PATCH', operation: '/files/v3/files/{fileId}', params: { fileId }, body: input, idempotent: false });
  }

  /** Replaces the bytes, keeping id and URL. Idempotent: the same bytes twice leave the same file. */
  async replace(fileId: string, file: FileContent, options: { access?: FileAccess; expiresAt?: string; charsetHunch?: string } = {}) {
    const { charsetHunch, ...replaceOptions } = options;
    const rawBody = await multipart([
      ['file', file],
      ['charsetHunch', charsetHunch],
      ['options', Object.keys(replaceOptions).length ? JSON.stringify(replaceOptions) : undefined],
    ]);
    return this.client.call<HubSpotFile>({ method: 'PUT', operation: '/files/v3/files/{fileId}', params: { fileId }, rawBody, idempotent: true });
  }

  archive(fileId: string) {
    return this.client.call<void>({ method: 'DELETE', operation: '/files/v3/files/{fileId}', params: { fileId }, idempotent: true });
  }

  gdprDelete(fileId: string) {
    return this.client.call<void>({ method: 'DELETE', operation: '/files/v3/files/{fileId}/gdpr-delete', params: { fileId }, idempotent: true });
  }

  signedUrl(fileId: string, opts: { expirationSeconds?: number; size?: 'icon' | 'thumb' | 'medium' | 'preview'; upscale?: boolean } = {}) {
    return this.client.call<SignedUrl>({ method: 'GET', operation: '/files/v3/files/{fileId}/signed-url', params: { fileId }, query: opts, idempotent: true });
  }

  /** The file or folder at a path (`/docs/a.pdf`). */
  stat(path: string) {
    return this.client.call<{ file?: HubSpotFile; folder?: HubSpotFolder }>({ method: 'GET', operation: '/files/v3/files/stat/{+path}', params: { path: relativePath(path) }, idempotent: true });
  }

  search(params: SearchParams) {
    return this.client.call<CollectionResponse<HubSpotFile>>({ method: 'GET', operation: '/files/v3/files/search', query: params, idempotent: true });
  }

  /** Starts an import; HubSpot fetches the URL in the background. Not idempotent: a repeat imports twice. */
  importFromUrl(input: { url: string; name?: string } & FolderTarget & NewFileOptions) {
    return this.client.call<TaskLocator>({ method: 'POST', operation: '/files/v3/files/import-from-url/async', body: input, idempotent: false });
  }

  importStatus(taskId: string) {
    return this.client.call<FileActionResponse>({ method: 'GET', operation: '/files/v3/files/import-from-url/async/tasks/{taskId}/status', params: { taskId }, idempotent: true });
  }

  createFolder(input: FolderInput) {
    return this.client.call<HubSpotFolder>({ method: 'POST', operation: '/files/v3/folders', body: input, idempotent: false });
  }

  getFolder(folderId: string) {
    return this.client.call<HubSpotFolder>({ method: 'GET', operation: '/files/v3/folders/{folderId}', params: { folderId }, idempotent: true });
  }

  getFolderByPath(folderPath: string) {
    return this.client.call<HubSpotFolder>({ method: 'GET', operation: '/files/v3/folders/{+folderPath}', params: { folderPath: relativePath(folderPath) }, idempotent: true });
  }

  updateFolder(folderId: string, input: FolderUpdateInput) {
    return this.client.call<HubSpotFolder>({ method: 'PATCH', operation: '/files/v3/folders/{folderId}', params: { folderId }, body: input, idempotent: false });
  }

  archiveFolder(folderId: string) {
    return this.client.call<void>({ method: 'DELETE', operation: '/files/v3/folders/{folderId}', params: { folderId }, idempotent: true });
  }

  archiveFolderByPath(folderPath: string) {
    return this.client.call<void>({ method: 'DELETE', operation: '/files/v3/folders/{+folderPath}', params: { folderPath: relativePath(folderPath) }, idempotent: true });
  }

  searchFolders(params: SearchParams) {
    return this.client.call<CollectionResponse<HubSpotFolder>>({ method: 'GET', operation: '/files/v3/folders/search', query: params, idempotent: true });
  }
}
