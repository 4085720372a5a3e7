import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Router, type Response } from 'express';
import { mimeTypeOf } from './filesContent';
import { filesOf, fullName, isPublicAccess, type StoredFile } from './filesStore';
import { HubSpotHttpError, notFound } from './errors';
import type { EmulatorState } from './state';

/**
 * Where the emulator serves file bytes without a token, standing in for HubSpot's file CDN:
 * `/hubfs/{portalId}/{path}` for public files, and signed, expiring URLs (`/hubfs-signed/…`) for any file.
 * Mounted before the auth middleware: whoever holds the URL may fetch it, as with HubSpot's.
 */
export const SIGNED_SIZES = ['icon', 'thumb', 'medium', 'preview'] as const;
export type SignedSize = (typeof SIGNED_SIZES)[number];

/** Signs for this process only: a signed URL is good until it expires or the emulator restarts. */
const SIGNING_KEY = randomBytes(32);

const signatureOf = (portalId: number, fileId: string, expires: number, size: string) =>
  createHmac('sha256', SIGNING_KEY).update(`${portalId}\n${fileId}\n${expires}\n${size}`).digest('base64url');

export function signedUrlOf(origin: string, portalId: number, file: StoredFile, expires: number, size?: SignedSize): string {
  const url = new URL(`${origin}/hubfs-signed/${portalId}/${file.id}/${encodeURIComponent(fullName(file))}`);
  url.searchParams.set('Expires', String(expires));
  if (size) url.searchParams.set('size', size);
  url.searchParams.set('Signature', signatureOf(portalId, file.id, expires, size ?? ''));
  return url.toString();
}

/** The public address of a file whose access allows anonymous reads. */
export const publicUrlOf = (origin: string, portalId: number, path: string) =>
  `${origin}/hubfs/${portalId}${path.split('/').map(encodeURIComponent).join('/')}`;

const forbidden = (message: string) => new HubSpotHttpError(403, 'FORBIDDEN', message);

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sendFileBytes(res: Response, file: StoredFile): void {
  res.setHeader('Content-Type', mimeTypeOf(file.extension, file.charset));
  res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(fullName(file))}`);
  res.setHeader('ETag', `"${file.md5}"`);
  res.status(200).end(file.bytes);
}

export function fileHostingRoutes(state: EmulatorState): Router {
  const r = Router();

  r.get('/hubfs-signed/:portalId/:fileId/:fileName', (req, res) => {
    const portalId = Number(req.params.portalId);
    const fileId = String(req.params.fileId);
    const expires = Number(req.query.Expires);
    const size = typeof req.query.size === 'string' ? req.query.size : '';
    const signature = typeof req.query.Signature === 'string' ? req.query.Signature : '';
    if (!Number.isInteger(expires) || !sameSignature(signature, signatureOf(portalId, fileId, expires, size))) throw forbidden('The signature of this URL is not valid');
    if (Date.now() >= expires * 1000) throw forbidden('This signed URL has expired');
    const portal = state.portals.get(portalId);
    const file = portal && filesOf(portal).files.get(fileId);
    if (!file || file.archived) throw notFound('The file no longer exists');
    sendFileBytes(res, file);
  });

  r.get('/hubfs/:portalId/*path', (req, res) => {
    const portal = state.portals.get(Number(req.params.portalId));
    const path = `/${(req.params as unknown as { path: string[] }).path.join('/')}`;
    const file = portal && filesOf(portal).fileByPath(path);
    // A private file is as absent here as a missing one: its existence is not the public's business.
    if (!file || !isPublicAccess(file.access)) throw notFound(`No public file at ${path}`);
    sendFileBytes(res, file);
  });

  return r;
}
