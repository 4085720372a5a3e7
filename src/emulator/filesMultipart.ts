import busboy from 'busboy';
import type { Request } from 'express';
import { HubSpotHttpError, validationError } from './errors';

/** The parts of an upload or replace request: text fields, and the `file` part's bytes. */
export interface MultipartForm {
  fields: Record<string, string>;
  file?: { bytes: Buffer; filename: string; mimeType: string };
}

/** Text fields HubSpot's upload takes are short; this bounds what a client can make the emulator hold. */
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 20;

export const fileTooLarge = (maxBytes: number) =>
  new HubSpotHttpError(413, 'VALIDATION_ERROR', `The file is larger than the maximum upload size of ${maxBytes} bytes`, { subCategory: 'FILE_TOO_LARGE' });

/**
 * Reads a `multipart/form-data` body (busboy). Only the part named `file` is kept; its size is capped at
 * `maxFileBytes` (busboy stops one byte past it, so a file of exactly the limit passes). A body past a limit is still read to its end before the 413, so the client gets the answer
 * rather than a broken connection.
 */
export function readMultipart(req: Request, maxFileBytes: number): Promise<MultipartForm> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(validationError(`Expected a multipart/form-data body, got ${req.get('content-type') ?? 'none'}`));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes + 1, fieldSize: MAX_FIELD_BYTES, fields: MAX_FIELDS } });
    } catch (e) {
      reject(validationError(`Malformed multipart body: ${(e as Error).message}`));
      return;
    }
    const form: MultipartForm = { fields: {} };
    let problem: HubSpotHttpError | undefined;
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) problem ??= validationError(`Field ${name} is longer than ${MAX_FIELD_BYTES} bytes`);
      form.fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || form.file) {
        stream.resume(); // only one file part, named `file`, as the spec declares
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => (problem ??= fileTooLarge(maxFileBytes)));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        if (bytes.length > maxFileBytes) problem ??= fileTooLarge(maxFileBytes);
        form.file = { bytes, filename: info.filename ?? '', mimeType: info.mimeType };
      });
    });
    parser.on('fieldsLimit', () => (problem ??= validationError(`At most ${MAX_FIELDS} form fields are accepted`)));
    parser.on('error', (e: Error) => reject(validationError(`Malformed multipart body: ${e.message}`)));
    parser.on('close', () => (problem ? reject(problem) : resolve(form)));
    req.pipe(parser);
  });
}
