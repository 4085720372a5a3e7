import { fileTypeOf, imageSizeOf, md5Of, type FileType } from './filesContent';
import { conflict, notFound, validationError } from './errors';
import type { Portal } from './store';

/** File access levels of files-v3 (`File.access`). PUBLIC_* and HIDDEN_*INDEXABLE files are served without a token. */
export const FILE_ACCESS = ['HIDDEN_INDEXABLE', 'HIDDEN_NOT_INDEXABLE', 'HIDDEN_PRIVATE', 'HIDDEN_SENSITIVE', 'PRIVATE', 'PUBLIC_INDEXABLE', 'PUBLIC_NOT_INDEXABLE', 'SENSITIVE'] as const;
export type FileAccess = (typeof FILE_ACCESS)[number];

export const isPublicAccess = (a: FileAccess) => a === 'PUBLIC_INDEXABLE' || a === 'PUBLIC_NOT_INDEXABLE' || a === 'HIDDEN_INDEXABLE' || a === 'HIDDEN_NOT_INDEXABLE';
/** Hidden files exist and can be read by id, but searches leave them out (as HubSpot does). */
export const isHiddenAccess = (a: FileAccess) => a.startsWith('HIDDEN_');

export interface StoredFolder {
  id: string;
  name: string;
  /** Undefined at the root. */
  parentFolderId?: string;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export interface StoredFile {
  id: string;
  /** Without the extension, as HubSpot keeps it; the path joins the two. */
  name: string;
  /** Lower case, without the dot; '' when the file has none. */
  extension: string;
  parentFolderId?: string;
  bytes: Buffer;
  md5: string;
  type: FileType;
  width?: number;
  height?: number;
  access: FileAccess;
  isUsableInContent: boolean;
  /** Epoch ms, as the spec types `File.expiresAt`. */
  expiresAt?: number;
  /** The upload's charset hunch, served with text files. */
  charset?: string;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export interface DuplicateCheck {
  strategy: 'NONE' | 'REJECT' | 'RETURN_EXISTING';
  scope: 'ENTIRE_PORTAL' | 'EXACT_FOLDER';
}

/** What a new file (upload or import) needs; the store resolves name collisions and duplicates. */
export interface FileDraft {
  name: string;
  extension: string;
  folder?: StoredFolder;
  bytes: Buffer;
  access: FileAccess;
  expiresAt?: number;
  charset?: string;
  overwrite: boolean;
  duplicates: DuplicateCheck;
}

/** A task of `import-from-url/async` or `folders/update/async`, as its status route reports it. */
export interface AsyncTask<T> {
  id: string;
  status: 'PENDING' | 'PROCESSING' | 'COMPLETE' | 'CANCELED';
  requestedAt: string;
  startedAt?: string;
  completedAt?: string;
  result?: T;
  error?: { category: string; message: string; status: number };
}

/** First id handed out: HubSpot's file and folder ids are large numbers. */
const FIRST_ID = 180_000_000_000;

const now = () => new Date().toISOString();

/** Splits a folder path (`/a/b`, `a/b/`, `/`) into its names; empty segments are dropped. */
export const pathSegments = (path: string) => path.split('/').filter((s) => s !== '');

/** A name HubSpot could store: not empty, no slash. */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw validationError(`${what} must be a non-empty string`);
  if (name.includes('/')) throw validationError(`${what} '${name}' must not contain '/'`);
  return name.trim();
}

/**
 * The file manager of one portal: folders, files with their bytes, and async tasks. Paths are not stored but
 * derived from the folder chain, so renaming or moving a folder moves everything under it.
 */
export class FileStore {
  readonly files = new Map<string, StoredFile>();
  readonly folders = new Map<string, StoredFolder>();
  readonly importTasks = new Map<string, AsyncTask<StoredFile>>();
  readonly folderTasks = new Map<string, AsyncTask<StoredFolder>>();
  private nextId = FIRST_ID;

  allocateId(): string {
    return String(this.nextId++);
  }

  liveFolder(id: string): StoredFolder {
    const folder = this.folders.get(id);
    if (!folder || folder.archived) throw notFound(`No folder with id ${id}`);
    return folder;
  }

  liveFile(id: string): StoredFile {
    const file = this.files.get(id);
    if (!file || file.archived) throw notFound(`No file with id ${id}`);
    return file;
  }

  /** `/a/b` for a folder; '' stands for the root. */
  folderPath(folderId: string | undefined): string {
    const names: string[] = [];
    for (let id = folderId; id !== undefined; id = this.folders.get(id)?.parentFolderId) names.unshift(this.folders.get(id)?.name ?? '');
    return names.length ? `/${names.join('/')}` : '';
  }

  filePath(file: StoredFile): string {
    return `${this.folderPath(file.parentFolderId)}/${fullName(file)}`;
  }

  childFolder(parentId: string | undefined, name: string): StoredFolder | undefined {
    for (const f of this.folders.values()) if (!f.archived && f.parentFolderId === parentId && f.name === name) return f;
    return undefined;
  }

  folderByPath(path: string): StoredFolder | undefined {
    let folder: StoredFolder | undefined;
    for (const name of pathSegments(path)) {
      folder = this.childFolder(folder?.id, name);
      if (!folder) return undefined;
    }
    return folder;
  }

  /** The folder at a path, creating whatever is missing (uploads and imports do this); undefined for the root. */
  ensureFolderPath(path: string): StoredFolder | undefined {
    let folder: StoredFolder | undefined;
    for (const name of pathSegments(path)) folder = this.childFolder(folder?.id, name) ?? this.createFolder(name, folder);
    return folder;
  }

  createFolder(rawName: string, parent: StoredFolder | undefined): StoredFolder {
    const name = checkName(rawName, 'name');
    if (this.childFolder(parent?.id, name)) throw conflict(`A folder named '${name}' already exists in '${this.folderPath(parent?.id) || '/'}'`);
    const at = now();
    const folder: StoredFolder = { id: this.allocateId(), name, ...(parent ? { parentFolderId: parent.id } : {}), createdAt: at, updatedAt: at, archived: false };
    this.folders.set(folder.id, folder);
    return folder;
  }

  /** Renames and/or moves a folder; a folder cannot move into itself or below itself. */
  updateFolder(folder: StoredFolder, change: { name?: string; parentFolderId?: string | null }): StoredFolder {
    const name = change.name !== undefined ? checkName(change.name, 'name') : folder.name;
    let parentId = folder.parentFolderId;
    if (change.parentFolderId !== undefined) {
      parentId = change.parentFolderId === null ? undefined : this.liveFolder(change.parentFolderId).id;
      for (let id = parentId; id !== undefined; id = this.folders.get(id)?.parentFolderId) {
        if (id === folder.id) throw validationError(`Folder ${folder.id} cannot be moved into itself or one of its subfolders`);
      }
    }
    const clash = this.childFolder(parentId, name);
    if (clash && clash !== folder) throw conflict(`A folder named '${name}' already exists in '${this.folderPath(parentId) || '/'}'`);
    folder.name = name;
    if (parentId === undefined) delete folder.parentFolderId;
    else folder.parentFolderId = parentId;
    folder.updatedAt = now();
    return folder;
  }

  /** Archives a folder with everything under it. */
  archiveFolder(folder: StoredFolder): void {
    const at = now();
    const doomed = new Set([folder.id]);
    // Until nothing changes: a folder moved under a younger one comes after its parent in insertion order.
    for (let grew = true; grew; ) {
      grew = false;
      for (const f of this.folders.values()) {
        if (!doomed.has(f.id) && f.parentFolderId !== undefined && doomed.has(f.parentFolderId)) grew = doomed.add(f.id) !== undefined;
      }
    }
    for (const id of doomed) Object.assign(this.folders.get(id)!, { archived: true, archivedAt: at, updatedAt: at });
    for (const file of this.files.values()) if (!file.archived && file.parentFolderId !== undefined && doomed.has(file.parentFolderId)) this.archiveFile(file, at);
  }

  archiveFile(file: StoredFile, at = now()): void {
    Object.assign(file, { archived: true, archivedAt: at, updatedAt: at });
  }

  /** A live file with this name and extension in a folder (case-insensitive, like HubSpot's paths). */
  fileNamed(folderId: string | undefined, name: string, extension: string): StoredFile | undefined {
    const wanted = fullName({ name, extension }).toLowerCase();
    for (const f of this.files.values()) if (!f.archived && f.parentFolderId === folderId && fullName(f).toLowerCase() === wanted) return f;
    return undefined;
  }

  fileByPath(path: string): StoredFile | undefined {
    const segments = pathSegments(path);
    const last = segments.pop();
    if (last === undefined) return undefined;
    const folder = segments.length ? this.folderByPath(segments.join('/')) : undefined;
    if (segments.length && !folder) return undefined;
    const wanted = last.toLowerCase();
    for (const f of this.files.values()) if (!f.archived && f.parentFolderId === folder?.id && fullName(f).toLowerCase() === wanted) return f;
    return undefined;
  }

  /**
   * Adds an uploaded or imported file. Duplicate validation (same MD5, in the folder or the whole portal) may
   * refuse it or hand back the existing file; a name already taken in the folder is overwritten (the old file
   * is deleted, the new one gets a new id) or the new name gets a `-1`, `-2` … suffix.
   */
  addFile(draft: FileDraft): StoredFile {
    const md5 = md5Of(draft.bytes);
    if (draft.duplicates.strategy !== 'NONE') {
      const existing = [...this.files.values()].find(
        (f) => !f.archived && f.md5 === md5 && (draft.duplicates.scope === 'ENTIRE_PORTAL' || f.parentFolderId === draft.folder?.id),
      );
      if (existing && draft.duplicates.strategy === 'RETURN_EXISTING') return existing;
      if (existing) throw conflict(`A file with the same content already exists: ${this.filePath(existing)} (id ${existing.id})`, { context: { id: [existing.id] } });
    }
    let name = draft.name;
    const taken = this.fileNamed(draft.folder?.id, name, draft.extension);
    if (taken && draft.overwrite) this.files.delete(taken.id);
    else if (taken) {
      let n = 1;
      while (this.fileNamed(draft.folder?.id, `${draft.name}-${n}`, draft.extension)) n++;
      name = `${draft.name}-${n}`;
    }
    const at = now();
    const file: StoredFile = {
      id: this.allocateId(),
      name,
      extension: draft.extension,
      ...(draft.folder ? { parentFolderId: draft.folder.id } : {}),
      ...contentFacts(draft.bytes, draft.extension),
      access: draft.access,
      isUsableInContent: true,
      ...(draft.expiresAt !== undefined ? { expiresAt: draft.expiresAt } : {}),
      ...(draft.charset ? { charset: draft.charset } : {}),
      createdAt: at,
      updatedAt: at,
      archived: false,
    };
    this.files.set(file.id, file);
    return file;
  }

  /** New bytes for an existing file (PUT): id, name and path stay. */
  replaceContent(file: StoredFile, bytes: Buffer, charset?: string): void {
    delete file.width;
    delete file.height;
    Object.assign(file, contentFacts(bytes, file.extension), { updatedAt: now() }, charset ? { charset } : {});
  }
}

export const fullName = (f: { name: string; extension: string }) => (f.extension ? `${f.name}.${f.extension}` : f.name);

function contentFacts(bytes: Buffer, extension: string): Pick<StoredFile, 'bytes' | 'md5' | 'type' | 'width' | 'height'> {
  const type = fileTypeOf(extension);
  const size = type === 'IMG' ? imageSizeOf(bytes) : undefined;
  return { bytes, md5: md5Of(bytes), type, ...(size ?? {}) };
}

/** Each portal's file manager, kept beside the portal so that a reset (new portals) starts it afresh. */
const stores = new WeakMap<Portal, FileStore>();

export function filesOf(portal: Portal): FileStore {
  let store = stores.get(portal);
  if (!store) stores.set(portal, (store = new FileStore()));
  return store;
}
