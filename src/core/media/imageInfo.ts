// What an image is, from its first bytes: type and size in pixels. Only PNG, JPEG, WebP and GIF are
// accepted (docs/native-format.md#images-and-boxes); the type comes from the magic bytes, never from
// a file name or a data URI's claimed type, so an SVG renamed .png is still refused.
import * as fs from 'node:fs';
import { MAX_IMAGE_BYTES, type ImageMime } from '../../shared/media';

export interface ImageInfo {
  mime: ImageMime;
  width: number;
  height: number;
}

/** Bytes read to find the size: JPEG keeps it after its EXIF block, which can reach 64 KiB and more. */
export const HEADER_BYTES = 256 * 1024;

export type RasterFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'svg' | 'unknown';

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What the first bytes say an image is (the one place the type is judged: ingest, views and render). */
export function sniffFormat(b: Uint8Array): RasterFormat {
  if (b.length >= 8 && PNG_MAGIC.every((x, i) => b[i] === x)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(ascii(b, 0, 6))) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  // SVG: text that opens with a tag (optionally after a BOM, an XML declaration or comments) and names svg early on.
  const head = ascii(b, 0, Math.min(b.length, 1024))
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (head.startsWith('<') && /<svg[\s/>]/i.test(head)) return 'svg';
  return 'unknown';
}

/** The image's type and size, or why it is refused ("not a PNG, JPEG, WebP or GIF image (it looks like SVG, which is refused)"). */
export function imageInfo(b: Uint8Array): ImageInfo | string {
  const at = (i: number): number => b[i] ?? 0;
  const u16be = (i: number): number => (at(i) << 8) | at(i + 1);
  const u16le = (i: number): number => at(i) | (at(i + 1) << 8);
  const u24le = (i: number): number => at(i) | (at(i + 1) << 8) | (at(i + 2) << 16);
  const u32be = (i: number): number => u16be(i) * 65536 + u16be(i + 2);
  const sized = (mime: ImageMime, width: number, height: number): ImageInfo | string =>
    width > 0 && height > 0 ? { mime, width, height } : `a ${mime.slice(6).toUpperCase()} header with no size (${width}×${height})`;
  switch (sniffFormat(b)) {
    case 'png':
      return b.length >= 24 && ascii(b, 12, 16) === 'IHDR'
        ? sized('image/png', u32be(16), u32be(20))
        : 'a PNG file without its header (truncated?)';
    case 'gif':
      return sized('image/gif', u16le(6), u16le(8));
    case 'webp': {
      const chunk = ascii(b, 12, 16);
      if (chunk === 'VP8X') return sized('image/webp', u24le(24) + 1, u24le(27) + 1);
      if (chunk === 'VP8 ') return sized('image/webp', u16le(26) & 0x3fff, u16le(28) & 0x3fff);
      if (chunk === 'VP8L') {
        const bits = at(21) | (at(22) << 8) | (at(23) << 16) | (at(24) << 24);
        return sized('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
      }
      return `a WebP file with an unknown first chunk "${chunk}"`;
    }
    case 'jpeg':
      return jpegSize(b);
    case 'svg':
      return 'not a PNG, JPEG, WebP or GIF image (it looks like SVG, which is refused)';
    default:
      return 'not a PNG, JPEG, WebP or GIF image';
  }
}

/** A JPEG's size from its first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC). */
function jpegSize(b: Uint8Array): ImageInfo | string {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return 'a JPEG file whose markers are damaged';
    const marker = b[i + 1]!;
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = (b[i + 5]! << 8) | b[i + 6]!;
      const width = (b[i + 7]! << 8) | b[i + 8]!;
      return width > 0 && height > 0 ? { mime: 'image/jpeg', width, height } : `a JPEG header with no size (${width}×${height})`;
    }
    if (len < 2) return 'a JPEG file whose markers are damaged';
    i += 2 + len;
  }
  return 'a JPEG file with no frame header in the bytes read (truncated?)';
}

/** Reads a file's first bytes and says what image it is, or why it cannot be shown. */
export function fileImageInfo(path: string): ImageInfo | string {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${(e as Error).message})`;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size > MAX_IMAGE_BYTES) return `${size} bytes, over the ${MAX_IMAGE_BYTES}-byte limit`;
    const head = Buffer.alloc(Math.min(size, HEADER_BYTES));
    fs.readSync(fd, head, 0, head.length, 0);
    return imageInfo(head);
  } finally {
    fs.closeSync(fd);
  }
}

/** A data URI's bytes, or why they are refused. Only base64 data URIs carry images worth decoding. */
export function dataUriBytes(url: string): Buffer | string {
  const comma = url.indexOf(',');
  if (comma < 0) return 'a data URI without a comma';
  if (!/;base64$/i.test(url.slice(0, comma))) return 'a data URI that is not base64';
  // Four base64 characters are three bytes: refuse before decoding.
  if (((url.length - comma - 1) / 4) * 3 > MAX_IMAGE_BYTES) return `over the ${MAX_IMAGE_BYTES}-byte limit`;
  return Buffer.from(url.slice(comma + 1), 'base64');
}
