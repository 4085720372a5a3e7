import busboy from 'busboy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { sendError } from './httpErrors';

/**
 * GraphQL multipart requests (the graphql-multipart-request spec, as Apollo Client's and urql's upload links send
 * them): a `multipart/form-data` POST whose `operations` field is the JSON request with `null` where files go,
 * whose `map` field says which file part goes where (`{"0": ["variables.file"]}`), followed by the file parts.
 * This Express middleware runs before Apollo on /graphql: it reads the parts (busboy), puts an UploadedFile at
 * each mapped path and hands Apollo the operations as `req.body`. Public API: the `Upload` scalar and the
 * limits (UPLOAD_MAX_FILE_BYTES, UPLOAD_MAX_FILES).
 */

/** An uploaded file, the value an `Upload` argument receives: held in memory, within UPLOAD_MAX_FILE_BYTES. */
export class UploadedFile {
  constructor(
    /** The file name the client gave its part. */
    readonly filename: string,
    readonly mimetype: string,
    /** The part's transfer encoding (`7bit` unless the client said otherwise). */
    readonly encoding: string,
    readonly buffer: Buffer,
  ) {}

  get size(): number {
    return this.buffer.length;
  }
}

export interface UploadLimits {
  /** Largest file part accepted, in bytes. */
  maxFileBytes: number;
  /** Most file parts in one request. */
  maxFiles: number;
  /** Largest `operations` or `map` field: the size of a JSON request body (MAX_BODY_BYTES). */
  maxFieldBytes: number;
}

/** Apollo's rule (csrfPrevention): a multipart POST is a "simple" request a browser sends cross-site without asking. */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

/** A refused multipart request: answered at once with this status and a coded GraphQL error. */
export class UploadError extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly code: 'BAD_REQUEST' | 'BAD_USER_INPUT',
    message: string,
  ) {
    super(message);
  }
}

const malformed = (message: string) => new UploadError(400, 'BAD_REQUEST', message);
const tooMuch = (message: string) => new UploadError(413, 'BAD_USER_INPUT', message);

/** `Upload`: input only; its value is an UploadedFile, which only a multipart request can supply. */
export const UploadScalar = new GraphQLScalarType<UploadedFile, never>({
  name: 'Upload',
  description: 'A file sent as a part of a GraphQL multipart request.',
  serialize() {
    throw new GraphQLError('Upload is an input-only type');
  },
  parseValue(value) {
    if (value instanceof UploadedFile) return value;
    throw new GraphQLError('Upload values must be files sent as parts of a multipart request (graphql-multipart-request-spec), with a map entry pointing at this variable', { extensions: { code: 'BAD_USER_INPUT' } });
  },
  parseLiteral() {
    throw new GraphQLError('Upload values cannot be written in the query: send the file in a multipart request and pass it as a variable', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

function parseJson(raw: string, field: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw malformed(`The multipart field '${field}' is not valid JSON`);
  }
}

/** Keys that would reach an object's prototype; a map path may not walk through them. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The object holding the last key of `a.b.0.c` inside the operations, checked to exist. */
function slotOf(operations: unknown, path: string): { holder: Record<string, unknown>; key: string } {
  const keys = path.split('.');
  if (keys.some((k) => k === '' || UNSAFE_KEYS.has(k))) throw malformed(`The map path '${path}' is not a valid path`);
  let holder: unknown = operations;
  for (const key of keys.slice(0, -1)) {
    holder = holder && typeof holder === 'object' ? (holder as Record<string, unknown>)[key] : undefined;
  }
  if (!holder || typeof holder !== 'object') throw malformed(`The map path '${path}' does not lead into the operations`);
  return { holder: holder as Record<string, unknown>, key: keys[keys.length - 1]! };
}

/** The `map` field: `{ "<part name>": ["<path>", …] }`, each path checked against the operations. */
function parseMap(raw: string, operations: unknown, limits: UploadLimits): Map<string, string[]> {
  const map = parseJson(raw, 'map');
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw malformed("The multipart field 'map' must be a JSON object of file part names to paths");
  const entries = Object.entries(map as Record<string, unknown>);
  if (entries.length > limits.maxFiles) throw tooMuch(`At most ${limits.maxFiles} files can be uploaded in one request, the map names ${entries.length}`);
  for (const [name, paths] of entries) {
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string')) {
      throw malformed(`The map entry '${name}' must be a non-empty array of paths such as "variables.file"`);
    }
    for (const p of paths as string[]) slotOf(operations, p);
  }
  return new Map(entries as Array<[string, string[]]>);
}

interface Parsed {
  operations: unknown;
  files: Map<string, UploadedFile>;
  map: Map<string, string[]>;
}

/**
 * Reads the parts in the order the spec requires (operations, map, files). Past a limit the rest of the body
 * is still read (and dropped) so the client gets the 413 rather than a reset — unless it keeps sending for
 * another file's worth of bytes, then the connection is closed.
 */
function readParts(req: Request, limits: UploadLimits): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limits.maxFileBytes + 1, files: limits.maxFiles, fieldSize: limits.maxFieldBytes, fields: 10 } });
    } catch {
      reject(malformed('The multipart body has no boundary'));
      return;
    }
    let operations: unknown;
    let map: Map<string, string[]> | undefined;
    const files = new Map<string, UploadedFile>();
    let failure: UploadError | undefined;
    let drained = 0;
    const fail = (e: unknown) => {
      if (failure) return;
      failure = e instanceof UploadError ? e : malformed((e as Error).message);
      // A client that keeps sending long after its request was refused is cut off.
      req.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > limits.maxFileBytes + limits.maxFieldBytes) req.destroy();
      });
    };

    parser.on('field', (name, value, info) => {
      if (failure) return;
      try {
        if (info.valueTruncated) throw tooMuch(`The multipart field '${name}' is larger than ${limits.maxFieldBytes} bytes (MAX_BODY_BYTES)`);
        if (name === 'operations') {
          if (operations !== undefined) throw malformed("The multipart field 'operations' was sent twice");
          operations = parseJson(value, 'operations');
          if (!operations || typeof operations !== 'object') throw malformed("The multipart field 'operations' must be a JSON object (or an array of them)");
        } else if (name === 'map') {
          if (operations === undefined) throw malformed("The multipart field 'map' must come after 'operations'");
          if (map) throw malformed("The multipart field 'map' was sent twice");
          map = parseMap(value, operations, limits);
        }
      } catch (e) {
        fail(e);
      }
    });

    parser.on('file', (name, stream, info) => {
      if (failure || !map || !map.has(name) || files.has(name)) {
        if (!failure && !map) fail(malformed("File parts must come after the 'operations' and 'map' fields"));
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(tooMuch(`The file '${info.filename ?? name}' is larger than the upload limit of ${limits.maxFileBytes} bytes`)));
      stream.on('end', () => {
        // busboy stops one byte past the limit (so that a file of exactly the limit passes).
        const bytes = Buffer.concat(chunks);
        if (bytes.length > limits.maxFileBytes) fail(tooMuch(`The file '${info.filename ?? name}' is larger than the upload limit of ${limits.maxFileBytes} bytes`));
        else files.set(name, new UploadedFile(info.filename ?? name, info.mimeType, info.encoding, bytes));
      });
    });

    parser.on('filesLimit', () => fail(tooMuch(`At most ${limits.maxFiles} files can be uploaded in one request`)));
    parser.on('error', (e: Error) => {
      fail(malformed(`The multipart body is malformed: ${e.message}`));
      reject(failure);
    });
    parser.on('close', () => {
      if (failure) return reject(failure);
      if (operations === undefined) return reject(malformed("The multipart request has no 'operations' field"));
      if (!map) return reject(malformed("The multipart request has no 'map' field"));
      const missing = [...map.keys()].filter((k) => !files.has(k));
      if (missing.length) return reject(malformed(`The map names file part${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} but the request has no such part`));
      resolve({ operations, files, map });
    });
    req.pipe(parser);
  });
}

const hasPreflightHeader = (req: Request) => PREFLIGHT_HEADERS.some((h) => (req.get(h) ?? '') !== '');

const refuse = (res: Response, e: UploadError) => sendError(res, e.status, e.code, e.message);

/**
 * The middleware. Requests that are not multipart pass through untouched. A multipart request without Apollo's
 * preflight headers is refused before its body is read, with Apollo's own CSRF message (Apollo would refuse it
 * anyway; refusing first means no upload is buffered for it).
 */
export function graphqlUploads(limits: UploadLimits): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
    if (!hasPreflightHeader(req)) {
      return refuse(
        res,
        malformed(
          'This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a ' +
            "'content-type' header (with a type that is not one of application/x-www-form-urlencoded, multipart/form-data, " +
            `text/plain) or provide a non-empty value for one of the following headers: ${PREFLIGHT_HEADERS.join(', ')}`,
        ),
      );
    }
    let parsed: Parsed;
    try {
      parsed = await readParts(req, limits);
    } catch (e) {
      if (e instanceof UploadError) return refuse(res, e);
      return next(e);
    }
    for (const [name, paths] of parsed.map) {
      for (const path of paths) {
        const { holder, key } = slotOf(parsed.operations, path);
        holder[key] = parsed.files.get(name);
      }
    }
    req.body = parsed.operations;
    next();
  };
}
