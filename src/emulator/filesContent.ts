import { createHash } from 'node:crypto';

/**
 * What the emulator can tell about a file's bytes and name: HubSpot's file type (from the extension), a MIME
 * type to serve it with, its MD5, and the pixel size of PNG, GIF and JPEG images (read from their headers —
 * cheap, no image library).
 */
export type FileType = 'IMG' | 'DOCUMENT' | 'AUDIO' | 'MOVIE' | 'OTHER';

const EXTENSIONS: Record<Exclude<FileType, 'OTHER'>, string[]> = {
  IMG: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'svg', 'bmp', 'tif', 'tiff', 'ico', 'avif', 'heic'],
  MOVIE: ['mp4', 'mov', 'avi', 'webm', 'mkv', 'wmv', 'm4v', 'mpeg', 'mpg', 'flv'],
  AUDIO: ['mp3', 'wav', 'ogg', 'm4a', 'aac', 'flac', 'wma', 'oga'],
  DOCUMENT: ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'csv', 'rtf', 'odt', 'ods', 'odp', 'md', 'key', 'numbers', 'pages'],
};

export function fileTypeOf(extension: string): FileType {
  const ext = extension.toLowerCase();
  for (const [type, list] of Object.entries(EXTENSIONS)) if (list.includes(ext)) return type as FileType;
  return 'OTHER';
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml',
  bmp: 'image/bmp', ico: 'image/x-icon', avif: 'image/avif', tif: 'image/tiff', tiff: 'image/tiff',
  mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mp3: 'audio/mpeg', wav: 'audio/wav', ogg: 'audio/ogg',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', md: 'text/markdown', html: 'text/html', css: 'text/css',
  js: 'text/javascript', json: 'application/json', xml: 'application/xml', zip: 'application/zip',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** The Content-Type the emulator serves a file with; text types carry the upload's charset hunch when given. */
export function mimeTypeOf(extension: string, charset?: string): string {
  const mime = MIME[extension.toLowerCase()] ?? 'application/octet-stream';
  return mime.startsWith('text/') && charset ? `${mime}; charset=${charset}` : mime;
}

/** An extension for a MIME type (imports whose URL names none), or '' when unknown. */
export function extensionOfMime(contentType: string | undefined): string {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (essence === 'image/jpeg') return 'jpg';
  return Object.entries(MIME).find(([, m]) => m === essence)?.[0] ?? '';
}

/** `report.final.pdf` → name `report.final`, extension `pdf` (HubSpot keeps them apart; the path joins them). */
export function splitFileName(fileName: string): { name: string; extension: string } {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0 || dot === fileName.length - 1) return { name: fileName, extension: '' };
  return { name: fileName.slice(0, dot), extension: fileName.slice(dot + 1).toLowerCase() };
}

export const md5Of = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** Width and height from the image header, for PNG, GIF and JPEG; undefined for anything else or a bad header. */
export function imageSizeOf(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 4) === 'GIF8') {
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes);
  return undefined;
}

/** Walks JPEG segments to the first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC), which holds the size. */
function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return undefined;
}
