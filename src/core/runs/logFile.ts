// Reading run logs without loading them whole: pages for display, and new complete lines for the
// metric parsers. Both read bounded byte ranges, so a log growing by megabytes per second costs the
// same as a small one.
import * as fs from 'node:fs';
import { ErrorCode, LensError } from '../../shared/errors';
import type { LogPage } from '../../shared/runs';

export const DEFAULT_PAGE_BYTES = 256 << 10;

function readRange(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Last index of a line end (\n or \r) in buf, or -1. */
function lastLineEnd(buf: Buffer): number {
  for (let i = buf.length - 1; i >= 0; i--) if (buf[i] === 10 || buf[i] === 13) return i;
  return -1;
}

/** Backs off from `end` so a UTF-8 sequence is never cut in two. */
function utf8Boundary(buf: Buffer, end: number): number {
  let lead = end - 1;
  while (lead > 0 && lead > end - 4 && (buf[lead]! & 0xc0) === 0x80) lead--;
  const b = buf[lead] ?? 0;
  const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + len > end && lead > 0 ? lead : end;
}

/**
 * Whole lines of `file` from `offset`, at most `limit` bytes. A line longer than the limit comes in
 * limit-sized pieces (cut at a UTF-8 boundary). A missing file reads as empty: the run may not
 * have written anything yet.
 */
export function readLogPage(file: string, offset = 0, limit = DEFAULT_PAGE_BYTES): LogPage {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', offset, nextOffset: offset, size: 0, eof: true, path: file };
    throw new LensError(ErrorCode.Unreadable, `${file}: cannot read the log (${(e as Error).message})`, {
      file,
    });
  }
  try {
    const size = fs.fstatSync(fd).size;
    // A log that was truncated or replaced since the caller's offset starts over.
    const from = offset > size ? 0 : offset;
    const want = Math.min(limit, size - from);
    const buf = readRange(fd, from, want);
    let end = buf.length;
    if (from + end < size) {
      const nl = lastLineEnd(buf);
      end = nl >= 0 ? nl + 1 : utf8Boundary(buf, buf.length);
    }
    return {
      text: buf.toString('utf8', 0, end),
      offset: from,
      nextOffset: from + end,
      size,
      eof: from + end >= size,
      path: file,
    };
  } finally {
    fs.closeSync(fd);
  }
}

export interface NewLines {
  lines: string[];
  /** Offset just past the last complete line handed out. */
  next: number;
  /** True when the file was shorter than `offset` (truncated or replaced) and was read from 0. */
  restarted: boolean;
}

/**
 * Complete lines (ended by \n, \r\n or \r) after `offset`, reading at most `maxBytes`. The
 * unterminated tail stays for the next call, unless it alone exceeds maxBytes (then it is cut).
 */
export function readNewLines(file: string, offset: number, maxBytes = 4 << 20): NewLines {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { lines: [], next: offset, restarted: false };
  }
  try {
    const size = fs.fstatSync(fd).size;
    const restarted = size < offset;
    const from = restarted ? 0 : offset;
    if (size === from) return { lines: [], next: from, restarted };
    const buf = readRange(fd, from, Math.min(maxBytes, size - from));
    // A \r ending the read may be half of \r\n: the \n then reads as an empty line, dropped below.
    let end = lastLineEnd(buf) + 1;
    if (end <= 0) {
      if (buf.length < maxBytes) return { lines: [], next: from, restarted };
      end = utf8Boundary(buf, buf.length);
    }
    const lines = buf
      .toString('utf8', 0, end)
      .split(/\r\n|\n|\r/)
      .filter((l) => l !== '');
    return { lines, next: from + end, restarted };
  } finally {
    fs.closeSync(fd);
  }
}
