// GIF decode, first frame only, on a transparent canvas the size of the GIF's logical screen (the
// GIF89a specification: blocks 17–23, LZW Appendix F, interlaced row order Appendix E). Written
// here rather than taken from omggif 1.0.10, whose LZW loop never ends on some corrupt streams (its
// code table can point back at itself). Here every table entry's prefix is an earlier entry, so each
// chain ends; output stops at the frame's size, and a frame is clipped to the screen.
import { LensError, ErrorCode } from '../../shared/errors';
import { checkSize, createRaster, DEFAULT_DECODE_LIMITS, type DecodeLimits, type Raster } from './raster';

export function decodeGif(bytes: Uint8Array, source = 'image', limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Raster {
  const fail = (why: string): never => {
    throw new LensError(ErrorCode.BadInput, `${source}: ${why}`);
  };
  let p = 0;
  const need = (n: number): number => {
    if (p + n > bytes.length) fail(`GIF is truncated (it ends at byte ${bytes.length}, inside a block that starts at ${p})`);
    const at = p;
    p += n;
    return at;
  };
  const u8 = (): number => bytes[need(1)]!;
  const u16 = (): number => {
    const at = need(2);
    return bytes[at]! | (bytes[at + 1]! << 8);
  };
  need(6); // "GIF87a" / "GIF89a", checked by the caller's sniffing
  const width = u16();
  const height = u16();
  const screenFlags = u8();
  need(2); // background colour index, pixel aspect ratio
  checkSize(source, 'GIF', width, height, limits);
  const globalTable = screenFlags & 0x80 ? bytes.subarray(need(3 << ((screenFlags & 7) + 1)), p) : null;
  let transparent = -1;
  for (;;) {
    const block = u8();
    if (block === 0x3b) return fail('GIF has no image frame');
    if (block === 0x21) {
      const label = u8();
      if (label === 0xf9 && bytes[p] === 4) {
        // Graphic control extension: its transparency applies to the next image.
        const at = need(5);
        transparent = bytes[at + 1]! & 1 ? bytes[at + 4]! : -1;
      }
      skipSubBlocks();
      continue;
    }
    if (block !== 0x2c) return fail(`GIF is corrupt (unknown block 0x${block.toString(16)} at byte ${p - 1})`);
    const fx = u16();
    const fy = u16();
    const fw = u16();
    const fh = u16();
    const flags = u8();
    const table = flags & 0x80 ? bytes.subarray(need(3 << ((flags & 7) + 1)), p) : globalTable;
    if (!table) return fail('GIF has no colour table for its first frame');
    checkSize(source, 'GIF frame', Math.max(fw, 1), Math.max(fh, 1), limits);
    const minCodeSize = u8();
    if (minCodeSize < 1 || minCodeSize > 11) return fail(`GIF is corrupt (LZW code size ${minCodeSize})`);
    const indices = lzw(minCodeSize, readSubBlocks(), fw * fh);
    return paint(indices, { fx, fy, fw, fh, interlaced: (flags & 0x40) !== 0 }, table, transparent, createRaster(width, height));
  }

  function skipSubBlocks(): void {
    for (let size = u8(); size !== 0; size = u8()) need(size);
  }
  function readSubBlocks(): Uint8Array {
    const parts: Uint8Array[] = [];
    for (let size = u8(); size !== 0; size = u8()) parts.push(bytes.subarray(need(size), p));
    return Buffer.concat(parts);
  }
}

/** The colour indices of `count` pixels; a stream that ends early leaves the rest as index -1 (transparent). */
function lzw(minCodeSize: number, data: Uint8Array, count: number): Int16Array {
  const out = new Int16Array(count).fill(-1);
  const clear = 1 << minCodeSize;
  const prefix = new Int16Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < clear; i++) [suffix[i], first[i], length[i]] = [i, i, 1];
  let size = minCodeSize + 1;
  let next = clear + 2;
  let prev = -1;
  let op = 0;
  let bits = 0;
  let nbits = 0;
  let at = 0;
  // Writes entry `code` at op (clipped to the output) and advances op by its length.
  const emit = (code: number): void => {
    const len = length[code]!;
    for (let c = code, i = op + len - 1; i >= op; i--, c = prefix[c]!) if (i < count) out[i] = suffix[c]!;
    op += len;
  };
  while (op < count) {
    while (nbits < size && at < data.length) {
      bits |= data[at++]! << nbits;
      nbits += 8;
    }
    if (nbits < size) break;
    const code = bits & ((1 << size) - 1);
    bits >>>= size;
    nbits -= size;
    if (code === clear) {
      size = minCodeSize + 1;
      next = clear + 2;
      prev = -1;
      continue;
    }
    if (code === clear + 1) break;
    if (prev === -1) {
      if (code > clear) break; // corrupt: the first code after a clear must be a literal
      emit(code);
      prev = code;
      continue;
    }
    let k: number;
    if (code < next) {
      emit(code);
      k = first[code]!;
    } else if (code === next) {
      emit(prev);
      k = first[prev]!;
      if (op < count) out[op] = k;
      op++;
    } else break; // corrupt: a code not yet defined
    if (next < 4096) {
      // The new entry's prefix (prev) is always below `next`, so prefix chains only go down and end.
      prefix[next] = prev;
      suffix[next] = k;
      first[next] = first[prev]!;
      length[next] = length[prev]! + 1;
      next++;
      if (next === 1 << size && size < 12) size++;
    }
    prev = code;
  }
  return out;
}

interface Frame {
  fx: number;
  fy: number;
  fw: number;
  fh: number;
  interlaced: boolean;
}

function paint(indices: Int16Array, f: Frame, table: Uint8Array, transparent: number, out: Raster): Raster {
  const rows: number[] = [];
  if (f.interlaced)
    for (const [start, step] of [
      [0, 8],
      [4, 8],
      [2, 4],
      [1, 2],
    ] as const)
      for (let y = start; y < f.fh; y += step) rows.push(y);
  else for (let y = 0; y < f.fh; y++) rows.push(y);
  const colours = table.length / 3;
  rows.forEach((y, j) => {
    const sy = f.fy + y;
    if (sy >= out.height) return;
    for (let x = 0; x < f.fw; x++) {
      const sx = f.fx + x;
      const index = indices[j * f.fw + x]!;
      if (sx >= out.width || index < 0 || index === transparent) continue;
      const o = (sy * out.width + sx) * 4;
      // An index past the colour table is an error in the file: opaque black, as for PNG palettes.
      if (index < colours) out.data.set(table.subarray(index * 3, index * 3 + 3), o);
      out.data[o + 3] = 255;
    }
  });
  return out;
}
