// PNG decode and encode in TypeScript over node:zlib (the PNG specification, W3C PNG 2nd edition:
// chunk layout 5, colour types and bit depths 6.1, filters 9, Adam7 8.2, tRNS 11.3.2.1).
// Decode reads every standard colour type and bit depth, Adam7 included; 16-bit samples keep their
// high byte. CRCs are not checked on decode (a corrupt chunk shows as bad image data instead).
import * as zlib from 'node:zlib';
import { LensError, ErrorCode } from '../../shared/errors';
import { checkSize, createRaster, DEFAULT_DECODE_LIMITS, type DecodeLimits, type Raster } from './raster';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Bit depths allowed per colour type (PNG specification 6.1 and table 11.1). */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes: first column, first row, column step, row step (PNG specification 8.2). */
const ADAM7: Array<[number, number, number, number]> = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

interface Header {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  interlaced: boolean;
}

interface Transparency {
  palette: Uint8Array | null; // RGBA per palette entry
  key: number[] | null; // grey or RGB sample values (at the file's bit depth) that are fully transparent
}

export function decodePng(bytes: Uint8Array, source = 'image', limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Raster {
  const fail = (why: string): never => {
    throw new LensError(ErrorCode.BadInput, `${source}: ${why}`);
  };
  if (bytes.length < 8 || !PNG_SIGNATURE.equals(bytes.subarray(0, 8))) fail('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | null = null;
  let plte: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  for (let at = 8; at < bytes.length && !ended;) {
    if (at + 8 > bytes.length) fail(`PNG is truncated (a chunk header at byte ${at} is cut off)`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    const start = at + 8;
    if (start + length + 4 > bytes.length) fail(`PNG is truncated (chunk ${type} at byte ${at} runs past the end of the file)`);
    const data = bytes.subarray(start, start + length);
    at = start + length + 4;
    if (type === 'IHDR') header = readHeader(data, fail);
    else if (!header) fail(`PNG does not start with IHDR (found ${type})`);
    else if (type === 'PLTE') plte = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
  }
  if (!header) return fail('PNG has no IHDR chunk');
  if (idat.length === 0) fail(`PNG is truncated (no image data${ended ? '' : ', no IEND'})`);
  const { width, height, depth, colourType } = header;
  checkSize(source, 'PNG', width, height, limits);
  if (colourType === 3 && (!plte || plte.length % 3 !== 0 || plte.length === 0)) fail('palette PNG has no valid PLTE chunk');
  const bitsPerPixel = CHANNELS[colourType]! * depth;
  const passes = header.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as Array<[number, number, number, number]>);
  const sizes = passes.map(([x0, y0, dx, dy]) => [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)] as const);
  const expected = sizes.reduce((n, [w, h]) => (w > 0 && h > 0 ? n + h * (1 + Math.ceil((w * bitsPerPixel) / 8)) : n), 0);
  let raw: Buffer;
  try {
    // The bound stops a deflate bomb: nothing past the size the header implies is inflated.
    raw = zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: Math.max(expected, 1) });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return fail(`PNG image data is longer than its header implies (over ${expected} bytes)`);
    return fail(`PNG image data is truncated or corrupt (${(e as Error).message})`);
  }
  if (raw.length < expected) fail(`PNG image data is truncated (${raw.length} of ${expected} bytes)`);
  const alpha = transparency(colourType, depth, plte, trns);
  const out = createRaster(width, height);
  let offset = 0;
  passes.forEach(([x0, y0, dx, dy], p) => {
    const [w, h] = sizes[p]!;
    if (w <= 0 || h <= 0) return;
    const rowBytes = Math.ceil((w * bitsPerPixel) / 8);
    unfilter(raw, offset, rowBytes, h, Math.max(1, bitsPerPixel >> 3), fail);
    for (let j = 0; j < h; j++) {
      const row = raw.subarray(offset + j * (rowBytes + 1) + 1, offset + (j + 1) * (rowBytes + 1));
      writeRow(row, w, header, alpha, out, ((y0 + j * dy) * width + x0) * 4, dx * 4);
    }
    offset += h * (rowBytes + 1);
  });
  return out;
}

function readHeader(d: Uint8Array, fail: (why: string) => never): Header {
  if (d.length !== 13) fail('PNG IHDR chunk has the wrong length');
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const h: Header = { width: v.getUint32(0), height: v.getUint32(4), depth: d[8]!, colourType: d[9]!, interlaced: d[12] === 1 };
  if (!DEPTHS[h.colourType]?.includes(h.depth)) fail(`PNG colour type ${h.colourType} with bit depth ${h.depth} is not valid`);
  if (d[10] !== 0 || d[11] !== 0 || d[12]! > 1) fail('PNG uses an unknown compression, filter or interlace method');
  return h;
}

function transparency(colourType: number, depth: number, plte: Uint8Array | null, trns: Uint8Array | null): Transparency {
  if (colourType === 3 && plte) {
    const n = plte.length / 3;
    const palette = new Uint8Array(n * 4);
    for (let i = 0; i < n; i++) {
      palette.set(plte.subarray(i * 3, i * 3 + 3), i * 4);
      palette[i * 4 + 3] = trns && i < trns.length ? trns[i]! : 255;
    }
    return { palette, key: null };
  }
  if (!trns || (colourType !== 0 && colourType !== 2)) return { palette: null, key: null };
  const samples = colourType === 0 ? 1 : 3;
  if (trns.length < samples * 2) return { palette: null, key: null };
  const mask = depth === 16 ? 0xffff : (1 << depth) - 1;
  const key = Array.from({ length: samples }, (_, i) => ((trns[i * 2]! << 8) | trns[i * 2 + 1]!) & mask);
  return { palette: null, key };
}

/** Reverses the five filter types in place (PNG specification section 9.2, docs/architecture.md#image-rendering); each row is its filter byte then `rowBytes` bytes. */
function unfilter(raw: Buffer, offset: number, rowBytes: number, rows: number, bpp: number, fail: (why: string) => never): void {
  const stride = rowBytes + 1;
  for (let j = 0; j < rows; j++) {
    const r = offset + j * stride + 1;
    const up = j > 0 ? r - stride : -1;
    const filter = raw[r - 1]!;
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < rowBytes; i++) raw[r + i] = (raw[r + i]! + raw[r + i - bpp]!) & 255;
        break;
      case 2:
        if (up >= 0) for (let i = 0; i < rowBytes; i++) raw[r + i] = (raw[r + i]! + raw[up + i]!) & 255;
        break;
      case 3:
        for (let i = 0; i < rowBytes; i++) {
          const a = i >= bpp ? raw[r + i - bpp]! : 0;
          const b = up >= 0 ? raw[up + i]! : 0;
          raw[r + i] = (raw[r + i]! + ((a + b) >> 1)) & 255;
        }
        break;
      case 4:
        for (let i = 0; i < rowBytes; i++) {
          const a = i >= bpp ? raw[r + i - bpp]! : 0;
          const b = up >= 0 ? raw[up + i]! : 0;
          const c = i >= bpp && up >= 0 ? raw[up + i - bpp]! : 0;
          raw[r + i] = (raw[r + i]! + paeth(a, b, c)) & 255;
        }
        break;
      default:
        fail(`PNG row uses unknown filter type ${filter}`);
    }
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** One unfiltered row into RGBA, pixel k landing at `at + k × step`. */
function writeRow(row: Uint8Array, w: number, h: Header, t: Transparency, out: Raster, at: number, step: number): void {
  const o = out.data;
  const { depth, colourType } = h;
  if (depth < 8) {
    // Grey or palette, several pixels a byte, most significant bits first.
    const mask = (1 << depth) - 1;
    const scale = 255 / mask;
    const perByte = 8 / depth;
    for (let k = 0; k < w; k++, at += step) {
      const v = (row[(k / perByte) | 0]! >> (8 - depth * ((k % perByte) + 1))) & mask;
      if (colourType === 3) setPalette(o, at, t.palette!, v);
      else {
        const g = Math.round(v * scale);
        o[at] = o[at + 1] = o[at + 2] = g;
        o[at + 3] = t.key && t.key[0] === v ? 0 : 255;
      }
    }
    return;
  }
  const bytes = depth >> 3; // 1 or 2; with 2 the high byte is taken
  const n = CHANNELS[colourType]!;
  const sample = (k: number, c: number): number => row[(k * n + c) * bytes]!;
  const full = (k: number, c: number): number => (bytes === 2 ? (sample(k, c) << 8) | row[(k * n + c) * 2 + 1]! : sample(k, c));
  for (let k = 0; k < w; k++, at += step) {
    switch (colourType) {
      case 0:
        o[at] = o[at + 1] = o[at + 2] = sample(k, 0);
        o[at + 3] = t.key && t.key[0] === full(k, 0) ? 0 : 255;
        break;
      case 2:
        o[at] = sample(k, 0);
        o[at + 1] = sample(k, 1);
        o[at + 2] = sample(k, 2);
        o[at + 3] = t.key && t.key[0] === full(k, 0) && t.key[1] === full(k, 1) && t.key[2] === full(k, 2) ? 0 : 255;
        break;
      case 3:
        setPalette(o, at, t.palette!, sample(k, 0));
        break;
      case 4:
        o[at] = o[at + 1] = o[at + 2] = sample(k, 0);
        o[at + 3] = sample(k, 1);
        break;
      default:
        o[at] = sample(k, 0);
        o[at + 1] = sample(k, 1);
        o[at + 2] = sample(k, 2);
        o[at + 3] = sample(k, 3);
    }
  }
}

/** An index past the palette's end is an error in the file: the pixel is shown opaque black rather than refusing the image. */
function setPalette(o: Uint8Array, at: number, palette: Uint8Array, index: number): void {
  const p = index * 4;
  if (p + 3 >= palette.length) {
    o[at] = o[at + 1] = o[at + 2] = 0;
    o[at + 3] = 255;
    return;
  }
  o[at] = palette[p]!;
  o[at + 1] = palette[p + 1]!;
  o[at + 2] = palette[p + 2]!;
  o[at + 3] = palette[p + 3]!;
}

/**
 * RGBA 8-bit in, PNG bytes out (zlib level 6). A fully opaque raster is written as RGB, a quarter
 * smaller. Each row takes the filter whose output has the least sum of absolute signed bytes, the
 * heuristic the PNG specification suggests (section 12.8, docs/architecture.md#image-rendering), judged on a sample of the row's bytes.
 */
export function encodePng(image: Raster): Buffer {
  const { width, height, data } = image;
  let opaque = true;
  for (let i = 3; i < data.length && opaque; i += 4) opaque = data[i] === 255;
  const bpp = opaque ? 3 : 4;
  const rowBytes = width * bpp;
  const rows = Buffer.alloc(height * rowBytes);
  if (!opaque) rows.set(data);
  else
    for (let i = 0, o = 0; i < data.length; i += 4, o += 3) {
      rows[o] = data[i]!;
      rows[o + 1] = data[i + 1]!;
      rows[o + 2] = data[i + 2]!;
    }
  const filtered = Buffer.alloc(height * (rowBytes + 1));
  const zero = new Uint8Array(rowBytes);
  // Wide rows are judged on every 7th byte (7 is prime to 3 and 4 bytes a pixel, so every channel
  // is sampled): the choice costs a fifth of trying each filter in full.
  const step = rowBytes > 256 ? 7 : 1;
  for (let y = 0; y < height; y++) {
    const row = rows.subarray(y * rowBytes, (y + 1) * rowBytes);
    const prior = y > 0 ? rows.subarray((y - 1) * rowBytes, y * rowBytes) : zero;
    let best = Infinity;
    let chosen = 0;
    for (let f = 0; f < 5; f++) {
      const cost = filterRow(f, row, prior, bpp, null, step, best);
      if (cost < best) [best, chosen] = [cost, f];
    }
    filtered[y * (rowBytes + 1)] = chosen;
    filterRow(chosen, row, prior, bpp, filtered.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1)), 1, Infinity);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = opaque ? 2 : 6;
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(filtered, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Filter `f` applied to every `step`-th byte of a row, written to `out` when given; returns the cost
 * of those bytes (sum of |signed byte|), giving up once it reaches `stop`.
 */
function filterRow(f: number, row: Uint8Array, prior: Uint8Array, bpp: number, out: Uint8Array | null, step: number, stop: number): number {
  const n = row.length;
  let cost = 0;
  let v = 0;
  for (let i = 0; i < n; i += step) {
    const x = row[i]!;
    const b = prior[i]!;
    if (i < bpp) v = f === 0 || f === 1 ? x : f === 3 ? x - (b >> 1) : x - b;
    else if (f === 0) v = x;
    else if (f === 1) v = x - row[i - bpp]!;
    else if (f === 2) v = x - b;
    else if (f === 3) v = x - ((row[i - bpp]! + b) >> 1);
    else v = x - paeth(row[i - bpp]!, b, prior[i - bpp]!);
    v &= 255;
    if (out) out[i] = v;
    cost += v < 128 ? v : 256 - v;
    if (cost >= stop) break;
  }
  return cost;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 as PNG chunks use it (ISO 3309, the table method of the specification's Annex D). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
