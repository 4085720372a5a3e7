import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../src/context';
import { isInputProblem, isOutcomeUnknown, outcomeUnknown, userErrorsOf, type UserError } from '../src/crm/userErrors';
import type { FileSearchInput, FileSortInput, FolderSearchInput, FolderSortInput, Resolvers } from '../src/generated/graphql';
import { decodeCursor, encodeCursor } from '../src/graphql/ids';
import { HubSpotError } from '../src/hubspot/errors';
import { FILE_SEARCH_MAX_LIMIT, FILE_SEARCH_MAX_OFFSET, type FileContent, type FolderTarget, type HubSpotFile, type HubSpotFolder, type SearchParams } from '../src/hubspot/files';
import type { CollectionResponse } from '../src/hubspot/types';
import { UploadScalar, type UploadedFile } from '../src/server/upload';

/**
 * Files v3: files and folders of HubSpot's file manager, uploads (GraphQL multipart requests, src/server/upload.ts),
 * imports from URLs, signed URLs. Inputs are checked before any call; HubSpot's refusals become userErrors.
 */

const badInput = (message: string, field?: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
const invalid = (field: string[], message: string): UserError => ({ field, message, code: 'INVALID' });

/** HubSpot's file and folder ids are digits (the spec's `\d+`). */
const isId = (id: string) => /^\d+$/.test(id);

/** A read whose 404 means "there is none": null rather than an error. */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (e) {
    if (e instanceof HubSpotError && e.status === 404) return null;
    throw e;
  }
}

/** Exactly one of two arguments; BAD_USER_INPUT otherwise. */
function exactlyOne(a: string | null | undefined, b: string | null | undefined, names: [string, string]): void {
  if ((a == null) === (b == null)) throw badInput(`Give exactly one of ${names[0]} or ${names[1]}`, names[0]);
}

// ------------------------------------------------------------------------------------------- writes

interface Fields {
  notFound: string[];
  conflict?: string[];
  /** Where a 413 (the file is past HubSpot's size limit) points; default `invalid`. */
  tooLarge?: string[];
  invalid: string[];
}

/**
 * Runs one write, like the other mutations' `write()`: HubSpot refusing it (400, 404, 409, 413) becomes
 * userErrors pointing at the argument at fault; a timeout or 5xx an UPSTREAM_ERROR userError (outcome unknown;
 * uploads and imports are never retried); anything else fails the request.
 */
async function fileWrite<T>(fields: Fields, run: () => Promise<T>): Promise<{ value: T | null; userErrors: UserError[] }> {
  try {
    return { value: await run(), userErrors: [] };
  } catch (e) {
    if (isInputProblem(e)) {
      const at = e.status === 404 ? fields.notFound : e.status === 409 ? (fields.conflict ?? fields.invalid) : e.status === 413 ? (fields.tooLarge ?? fields.invalid) : fields.invalid;
      return { value: null, userErrors: userErrorsOf(e, []).map((u) => ({ ...u, field: at })) };
    }
    if (isOutcomeUnknown(e)) return { value: null, userErrors: [outcomeUnknown(e, fields.invalid)] };
    throw e;
  }
}

const contentOf = (upload: UploadedFile): FileContent => ({ bytes: upload.buffer, filename: upload.filename, contentType: upload.mimetype || 'application/octet-stream' });

/** Exactly one folder for a new file; a userError otherwise. */
function folderTargetOf(input: { folderId?: string | null; folderPath?: string | null }): FolderTarget | UserError {
  if ((input.folderId == null) === (input.folderPath == null)) return invalid(['input', 'folderId'], 'Give exactly one of folderId or folderPath (a missing path is created).');
  if (input.folderId != null) return isId(input.folderId) ? { folderId: input.folderId } : invalid(['input', 'folderId'], `'${input.folderId}' is not a folder id (digits).`);
  return { folderPath: input.folderPath! };
}

const isUserError = (x: object): x is UserError => 'code' in x && 'message' in x;

/** New-file options as HubSpot names them, without the unset ones. */
function newFileOptions(input: { access?: string | null; ttl?: string | null; overwrite?: boolean | null; duplicateValidationStrategy?: string | null; duplicateValidationScope?: string | null; expiresAt?: string | null }) {
  return {
    access: (input.access ?? 'PRIVATE') as HubSpotFile['access'],
    ...(input.ttl != null ? { ttl: input.ttl } : {}),
    ...(input.overwrite != null ? { overwrite: input.overwrite } : {}),
    ...(input.duplicateValidationStrategy != null ? { duplicateValidationStrategy: input.duplicateValidationStrategy as 'NONE' } : {}),
    ...(input.duplicateValidationScope != null ? { duplicateValidationScope: input.duplicateValidationScope as 'ENTIRE_PORTAL' } : {}),
    ...(input.expiresAt != null ? { expiresAt: input.expiresAt } : {}),
  };
}

// ------------------------------------------------------------------------------------------- reads

const SORT_FIELD: Record<string, string> = {
  ID: 'id', NAME: 'name', PATH: 'path', EXTENSION: 'extension', TYPE: 'type', SIZE: 'size', WIDTH: 'width', HEIGHT: 'height',
  CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt', EXPIRES_AT: 'expiresAt',
};

/** `[{field: SIZE, direction: DESCENDING}]` → HubSpot's `sort=-size`. */
const sortParam = (sort: ReadonlyArray<FileSortInput | FolderSortInput> | null | undefined) =>
  (sort ?? []).map((s) => `${s.direction === 'DESCENDING' ? '-' : ''}${SORT_FIELD[s.field]}`);

/** Filter inputs carry HubSpot's parameter names; only the given ones are sent. */
function filterParams(filter: FileSearchInput | FolderSearchInput | null | undefined): SearchParams {
  const params: SearchParams = {};
  for (const [key, value] of Object.entries(filter ?? {})) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      for (const id of value) if (!isId(String(id))) throw badInput(`filter.${key}: '${id}' is not an id (digits)`, `filter.${key}`);
      params[key] = value.map(String);
    } else params[key] = key === 'extension' ? String(value).replace(/^\./, '') : (value as string | number | boolean);
  }
  return params;
}

/** `first` and `after` checked against HubSpot's caps before any call: at most 100 a page, no offset past 10,000. */
function pageOf(first: number | null | undefined, after: string | null | undefined): { limit: number; offset: number } {
  const limit = first ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > FILE_SEARCH_MAX_LIMIT) throw badInput(`first must be from 1 to ${FILE_SEARCH_MAX_LIMIT}, got ${limit}`, 'first');
  const cursor = decodeCursor(after);
  const offset = cursor.a === undefined ? 0 : Number(cursor.a);
  if (!Number.isInteger(offset) || offset < 0) throw badInput(`'${after}' is not a valid cursor`, 'after');
  if (offset > FILE_SEARCH_MAX_OFFSET) throw badInput(`HubSpot pages no further than its ${FILE_SEARCH_MAX_OFFSET}th result; narrow the filter instead`, 'after');
  return { limit, offset };
}

/** A connection over one search page. HubSpot's cursor is an offset, so every edge gets the offset after it. */
function connectionOf<T>(res: CollectionResponse<T>, offset: number) {
  const edges = res.results.map((node, i) => ({ node, cursor: encodeCursor({ a: String(offset + i + 1), o: 0 }) }));
  return { edges, nodes: res.results, pageInfo: { hasNextPage: res.paging?.next?.after !== undefined, endCursor: edges.at(-1)?.cursor ?? null } };
}

function searchFiles(ctx: GatewayContext, args: { first?: number | null; after?: string | null; filter?: FileSearchInput | null; sort?: FileSortInput[] | null }, extra: SearchParams = {}) {
  const { limit, offset } = pageOf(args.first, args.after);
  const params = { ...filterParams(args.filter), ...extra, sort: sortParam(args.sort), limit, ...(offset ? { after: String(offset) } : {}) };
  return ctx.hubspot.files.search(params).then((res) => connectionOf(res, offset));
}

/** Folders by id for one request: every `folder`/`parent` wanted at one level is one search by `ids`. */
const folderLoaders = new WeakMap<GatewayContext, DataLoader<string, HubSpotFolder | null>>();

function folderLoader(ctx: GatewayContext): DataLoader<string, HubSpotFolder | null> {
  let loader = folderLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(
      async (ids: readonly string[]) => {
        const res = await ctx.hubspot.files.searchFolders({ ids: [...ids], limit: FILE_SEARCH_MAX_LIMIT });
        const byId = new Map(res.results.map((f) => [f.id, f]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: FILE_SEARCH_MAX_LIMIT },
    );
    folderLoaders.set(ctx, loader);
  }
  return loader;
}

const FILE_TYPES = new Set(['IMG', 'DOCUMENT', 'AUDIO', 'MOVIE', 'OTHER']);
/** HubSpot's `type` is a free string in the spec; anything new reads as OTHER rather than failing the field. */
const fileTypeOf = (type: string | undefined) => (type && FILE_TYPES.has(type) ? type : 'OTHER') as 'OTHER';

export const fileResolvers: Resolvers = {
  Upload: UploadScalar,

  Query: {
    file: async (_root, { id, path }, ctx) => {
      exactlyOne(id, path, ['id', 'path']);
      if (id != null) return isId(id) ? orNull(ctx.hubspot.files.get(id)) : null;
      return (await orNull(ctx.hubspot.files.stat(path!)))?.file ?? null;
    },
    files: (_root, args, ctx) => searchFiles(ctx, args),
    folder: async (_root, { id, path }, ctx) => {
      exactlyOne(id, path, ['id', 'path']);
      if (id != null) return isId(id) ? orNull(ctx.hubspot.files.getFolder(id)) : null;
      return orNull(ctx.hubspot.files.getFolderByPath(path!));
    },
    folders: async (_root, { first, after, filter, sort }, ctx) => {
      const { limit, offset } = pageOf(first, after);
      const res = await ctx.hubspot.files.searchFolders({ ...filterParams(filter), sort: sortParam(sort), limit, ...(offset ? { after: String(offset) } : {}) });
      return connectionOf(res, offset);
    },
    fileImportStatus: (_root, { taskId }, ctx) => orNull(ctx.hubspot.files.importStatus(taskId)),
    fileSignedUrl: (_root, { id, expirationSeconds, size, upscale }, ctx) => {
      if (expirationSeconds != null && expirationSeconds < 1) throw badInput('expirationSeconds must be at least 1', 'expirationSeconds');
      if (!isId(id)) return null;
      return orNull(
        ctx.hubspot.files.signedUrl(id, {
          ...(expirationSeconds != null ? { expirationSeconds } : {}),
          ...(size ? { size: size.toLowerCase() as 'thumb' } : {}),
          ...(upscale != null ? { upscale } : {}),
        }),
      );
    },
  },

  File: {
    type: (f) => fileTypeOf(f.type),
    folder: (f, _args, ctx) => (f.parentFolderId ? folderLoader(ctx).load(f.parentFolderId) : null),
  },

  Folder: {
    parent: (f, _args, ctx) => (f.parentFolderId ? folderLoader(ctx).load(f.parentFolderId) : null),
    files: (f, args, ctx) => searchFiles(ctx, args, { parentFolderIds: [f.id] }),
  },

  SignedUrl: {
    type: (s) => fileTypeOf(s.type),
  },

  FileImportTask: {
    file: (t) => t.result ?? null,
    errors: (t) => (t.errors ?? []).map((e) => ({ message: e.message, category: e.category })),
  },

  FileImportPayload: {
    task: (p, _args, ctx) => p.task ?? (p.taskId ? orNull(ctx.hubspot.files.importStatus(p.taskId)) : null),
  },

  Mutation: {
    fileUpload: async (_root, { file, input }, ctx) => {
      const target = folderTargetOf(input);
      if (isUserError(target)) return { file: null, userErrors: [target] };
      if (file.size === 0) return { file: null, userErrors: [invalid(['file'], 'The file is empty.')] };
      const where = { ...target, ...(input.fileName != null ? { fileName: input.fileName } : {}), ...(input.charsetHunch != null ? { charsetHunch: input.charsetHunch } : {}) };
      const fields = { notFound: ['input', 'folderId'], conflict: ['file'], tooLarge: ['file'], invalid: ['input'] };
      const r = await fileWrite(fields, () => ctx.hubspot.files.upload(contentOf(file), where, newFileOptions(input)));
      return { file: r.value, userErrors: r.userErrors };
    },

    fileImportFromUrl: async (_root, { input }, ctx) => {
      const target = folderTargetOf(input);
      if (isUserError(target)) return { taskId: null, userErrors: [target] };
      if (input.url.trim() === '') return { taskId: null, userErrors: [invalid(['input', 'url'], 'url must not be empty.')] };
      const body = { url: input.url.trim(), ...(input.name != null ? { name: input.name } : {}), ...target, ...newFileOptions(input) };
      const r = await fileWrite({ notFound: ['input', 'folderId'], invalid: ['input'] }, () => ctx.hubspot.files.importFromUrl(body));
      return { taskId: r.value?.id ?? null, userErrors: r.userErrors };
    },

    fileUpdate: async (_root, { id, input }, ctx) => {
      if (!isId(id)) return { file: null, userErrors: [invalid(['id'], `'${id}' is not a file id (digits).`)] };
      if (input.parentFolderId != null && input.parentFolderPath != null) {
        return { file: null, userErrors: [invalid(['input', 'parentFolderId'], 'Give parentFolderId or parentFolderPath, not both.')] };
      }
      const body = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
      const r = await fileWrite({ notFound: ['id'], conflict: ['input', 'name'], invalid: ['input'] }, () => ctx.hubspot.files.update(id, body));
      return { file: r.value, userErrors: r.userErrors };
    },

    fileReplace: async (_root, { id, file, input }, ctx) => {
      if (!isId(id)) return { file: null, userErrors: [invalid(['id'], `'${id}' is not a file id (digits).`)] };
      if (file.size === 0) return { file: null, userErrors: [invalid(['file'], 'The file is empty.')] };
      const options = Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== null && v !== undefined));
      const r = await fileWrite({ notFound: ['id'], tooLarge: ['file'], invalid: ['input'] }, () => ctx.hubspot.files.replace(id, contentOf(file), options));
      return { file: r.value, userErrors: r.userErrors };
    },

    fileDelete: async (_root, { id }, ctx) => {
      if (!isId(id)) return { deletedId: null, userErrors: [invalid(['id'], `'${id}' is not a file id (digits).`)] };
      const r = await fileWrite({ notFound: ['id'], invalid: ['id'] }, () => ctx.hubspot.files.archive(id));
      return { deletedId: r.userErrors.length ? null : id, userErrors: r.userErrors };
    },

    fileGdprDelete: async (_root, { id }, ctx) => {
      if (!isId(id)) return { deletedId: null, userErrors: [invalid(['id'], `'${id}' is not a file id (digits).`)] };
      const r = await fileWrite({ notFound: ['id'], invalid: ['id'] }, () => ctx.hubspot.files.gdprDelete(id));
      return { deletedId: r.userErrors.length ? null : id, userErrors: r.userErrors };
    },

    folderCreate: async (_root, { input }, ctx) => {
      if (input.parentFolderId != null && input.parentPath != null) {
        return { folder: null, userErrors: [invalid(['input', 'parentFolderId'], 'Give parentFolderId or parentPath, not both.')] };
      }
      if (input.parentFolderId != null && !isId(input.parentFolderId)) return { folder: null, userErrors: [invalid(['input', 'parentFolderId'], `'${input.parentFolderId}' is not a folder id (digits).`)] };
      const body = { name: input.name, ...(input.parentFolderId != null ? { parentFolderId: input.parentFolderId } : {}), ...(input.parentPath != null ? { parentPath: input.parentPath } : {}) };
      const notFoundAt = input.parentPath != null ? ['input', 'parentPath'] : ['input', 'parentFolderId'];
      const r = await fileWrite({ notFound: notFoundAt, conflict: ['input', 'name'], invalid: ['input'] }, () => ctx.hubspot.files.createFolder(body));
      return { folder: r.value, userErrors: r.userErrors };
    },

    folderUpdate: async (_root, { id, input }, ctx) => {
      if (!isId(id)) return { folder: null, userErrors: [invalid(['id'], `'${id}' is not a folder id (digits).`)] };
      if (input.parentFolderId != null && !isId(input.parentFolderId)) return { folder: null, userErrors: [invalid(['input', 'parentFolderId'], `'${input.parentFolderId}' is not a folder id (digits).`)] };
      // The spec types the new parent as an int64 number; folder ids stay far below 2^53.
      const body = { ...(input.name != null ? { name: input.name } : {}), ...(input.parentFolderId != null ? { parentFolderId: Number(input.parentFolderId) } : {}) };
      const r = await fileWrite({ notFound: ['id'], conflict: ['input', 'name'], invalid: ['input'] }, () => ctx.hubspot.files.updateFolder(id, body));
      return { folder: r.value, userErrors: r.userErrors };
    },

    folderDelete: async (_root, { id, path }, ctx) => {
      if ((id == null) === (path == null)) return { deletedId: null, userErrors: [invalid(['id'], 'Give exactly one of id or path.')] };
      if (id != null) {
        if (!isId(id)) return { deletedId: null, userErrors: [invalid(['id'], `'${id}' is not a folder id (digits).`)] };
        const r = await fileWrite({ notFound: ['id'], invalid: ['id'] }, () => ctx.hubspot.files.archiveFolder(id));
        return { deletedId: r.userErrors.length ? null : id, userErrors: r.userErrors };
      }
      // HubSpot's delete by path answers no id: read the folder first to report it.
      const folder = await orNull(ctx.hubspot.files.getFolderByPath(path!));
      if (!folder) return { deletedId: null, userErrors: [{ field: ['path'], message: `No folder at path ${path}`, code: 'NOT_FOUND' as const }] };
      const r = await fileWrite({ notFound: ['path'], invalid: ['path'] }, () => ctx.hubspot.files.archiveFolderByPath(path!));
      return { deletedId: r.userErrors.length ? null : folder.id, userErrors: r.userErrors };
    },
  },
};
