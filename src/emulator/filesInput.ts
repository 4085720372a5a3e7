import { validationError } from './errors';
import { FILE_ACCESS, type DuplicateCheck, type FileAccess, type FileStore, type StoredFolder } from './filesStore';

/**
 * Checks of the inputs files-v3 takes — upload `options` (FileUploadOptions, a JSON string), ImportFromUrlInput,
 * FileUpdateInput, FolderInput — each failure a 400 naming the field, as HubSpot answers.
 */
type Json = Record<string, unknown>;

export function parseAccess(value: unknown, field: string, required: boolean): FileAccess | undefined {
  if (value === undefined || value === null) {
    if (required) throw validationError(`${field} is required (one of ${FILE_ACCESS.join(', ')})`, { errors: [{ message: 'required', in: field }] });
    return undefined;
  }
  if (!FILE_ACCESS.includes(value as FileAccess)) throw validationError(`${field} must be one of ${FILE_ACCESS.join(', ')}, got ${JSON.stringify(value)}`, { errors: [{ message: 'invalid value', in: field }] });
  return value as FileAccess;
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** An ISO-8601 duration (`P3M`, `P1DT12H`) → milliseconds (a month counts 30 days, a year 365). */
export function parseTtl(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const m = typeof value === 'string' && value !== 'P' && !value.endsWith('T') ? DURATION.exec(value) : null;
  if (!m) throw validationError(`${field} must be an ISO-8601 duration such as P3M or P1DT12H, got ${JSON.stringify(value)}`);
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number, number];
  return ((((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + s) * 1000;
}

/** A date-time (ISO string, or epoch ms) → epoch ms. */
export function parseInstant(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const t = typeof value === 'number' ? value : typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) : Date.parse(value)) : NaN;
  if (!Number.isFinite(t)) throw validationError(`${field} must be a date-time, got ${JSON.stringify(value)}`);
  return t;
}

export function parseBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validationError(`${field} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null) return fallback;
  if (!allowed.includes(value as T)) throw validationError(`${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

export function parseDuplicates(input: Json, prefix: string): DuplicateCheck {
  return {
    strategy: oneOf(input.duplicateValidationStrategy, `${prefix}duplicateValidationStrategy`, ['NONE', 'REJECT', 'RETURN_EXISTING'] as const, 'NONE'),
    scope: oneOf(input.duplicateValidationScope, `${prefix}duplicateValidationScope`, ['ENTIRE_PORTAL', 'EXACT_FOLDER'] as const, 'ENTIRE_PORTAL'),
  };
}

/** A form field holding JSON (`options`): absent → {}, not a JSON object → 400. */
export function parseJsonField(raw: string | undefined, field: string): Json {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw validationError(`${field} must be a JSON object (a string of JSON), got ${JSON.stringify(raw.slice(0, 100))}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw validationError(`${field} must be a JSON object`);
  return parsed as Json;
}

/** Options of a new file (FileUploadOptions or the same fields of ImportFromUrlInput), checked. */
export interface NewFileOptions {
  access: FileAccess;
  expiresAt?: number;
  overwrite: boolean;
  duplicates: DuplicateCheck;
}

export function parseNewFileOptions(input: Json, prefix: string): NewFileOptions {
  const access = parseAccess(input.access, `${prefix}access`, true)!;
  const ttl = parseTtl(input.ttl, `${prefix}ttl`);
  const expiresAt = parseInstant(input.expiresAt, `${prefix}expiresAt`) ?? (ttl !== undefined ? Date.now() + ttl : undefined);
  return {
    access,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    overwrite: parseBoolean(input.overwrite, `${prefix}overwrite`) ?? false,
    duplicates: parseDuplicates(input, prefix),
  };
}

/** Where a new file goes: exactly one of `folderId` (must exist) or `folderPath` (created when missing). */
export interface FolderTarget {
  folderId?: string;
  folderPath?: string;
}

export function parseFolderTarget(input: Json, idField: string, pathField: string): FolderTarget {
  const id = input[idField];
  const path = input[pathField];
  const hasId = id !== undefined && id !== null && id !== '';
  const hasPath = path !== undefined && path !== null && path !== '';
  if (hasId && hasPath) throw validationError(`Give ${idField} or ${pathField}, not both`);
  if (!hasId && !hasPath) throw validationError(`Either ${idField} or ${pathField} is required`);
  if (hasId && !/^\d+$/.test(String(id))) throw validationError(`${idField} must be a folder id (digits), got ${JSON.stringify(id)}`);
  if (hasPath && typeof path !== 'string') throw validationError(`${pathField} must be a string`);
  return hasId ? { folderId: String(id) } : { folderPath: String(path) };
}

/** The folder a target names: an id must be a live folder (404 otherwise); a path is created as needed. */
export function resolveFolderTarget(store: FileStore, target: FolderTarget): StoredFolder | undefined {
  if (target.folderId !== undefined) return store.liveFolder(target.folderId);
  return store.ensureFolderPath(target.folderPath ?? '');
}
