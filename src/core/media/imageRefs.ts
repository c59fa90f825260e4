// Reading `images` and `boxes` from a rollout record (docs/native-format.md#images-and-boxes). A
// relative path is resolved here, against the rollout file's folder, so what is stored names the
// file wherever the database is opened from.
import { isAbsolute, resolve } from 'node:path';
import type { BoxCoords, ImageRef, SampleBoxes, SampleSegments, Segment, VideoRef } from '../../shared/media';

type Json = Record<string, unknown>;

const SOURCE_KEYS = ['path', 'url', 'dataset', 'stored'] as const;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** One reference, or a message naming what is wrong with it (`where` is e.g. `"images"[1]`). */
export function parseImageRef(v: unknown, where: string, baseDir: string | null): ImageRef | string {
  if (typeof v === 'string') return parseImageRef(v.startsWith('data:') ? { url: v } : { path: v }, where, baseDir);
  if (!isObject(v)) return `${where} must be an object with one of "path", "url" or "dataset"`;
  const sources = SOURCE_KEYS.filter((k) => v[k] !== undefined);
  if (sources.length !== 1)
    return `${where} must have exactly one of "path", "url" or "dataset", got ${sources.length ? sources.join(', ') : 'none'}`;
  const size: { width?: number; height?: number } = {};
  for (const k of ['width', 'height'] as const) {
    if (v[k] === undefined || v[k] === null) continue;
    if (!positiveInt(v[k])) return `${where}.${k} must be a positive integer (original pixels)`;
    size[k] = v[k];
  }
  if (typeof v['path'] === 'string') {
    if (v['path'] === '') return `${where}.path must not be empty`;
    const p = v['path'];
    return { path: isAbsolute(p) || baseDir === null ? p : resolve(baseDir, p), ...size };
  }
  if (typeof v['url'] === 'string') return { url: v['url'], ...size };
  if (typeof v['stored'] === 'string') {
    return /^[0-9a-f]{64}$/.test(v['stored']) ? { stored: v['stored'], ...size } : `${where}.stored must be a SHA-256 in hex`;
  }
  if (typeof v['dataset'] === 'string' && v['dataset'] !== '') {
    const row = v['row'];
    if (typeof row !== 'number' || !Number.isInteger(row) || row < 0) return `${where}.row must be an integer ≥ 0 (the dataset row)`;
    const column = v['column'] ?? 'images';
    if (typeof column !== 'string' || column === '') return `${where}.column must be a column name`;
    const item = v['item'] ?? 0;
    if (typeof item !== 'number' || !Number.isInteger(item) || item < 0) return `${where}.item must be an integer ≥ 0`;
    const d = v['dataset'];
    const dataset = isAbsolute(d) || baseDir === null ? d : resolve(baseDir, d);
    return { dataset, row, column, ...(item ? { item } : {}), ...size };
  }
  return `${where}.${sources[0]} must be a non-empty string`;
}

/** A list of references (a bare string is one path or data URI). */
export function parseImageRefs(v: unknown, where: string, baseDir: string | null): ImageRef[] | string {
  const list = Array.isArray(v) ? v : [v];
  const out: ImageRef[] = [];
  for (let i = 0; i < list.length; i++) {
    const r = parseImageRef(list[i], Array.isArray(v) ? `${where}[${i}]` : where, baseDir);
    if (typeof r === 'string') return r;
    out.push(r);
  }
  return out;
}

function parseBoxList(v: unknown, where: string): BoxCoords[] | string {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return `${where} must be a list of [x1, y1, x2, y2] boxes`;
  // One bare box is accepted as a list of one.
  const list = v.length === 4 && v.every((x) => typeof x === 'number') ? [v] : v;
  const out: BoxCoords[] = [];
  for (let i = 0; i < list.length; i++) {
    const b: unknown = list[i];
    if (!Array.isArray(b) || b.length !== 4 || !b.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return `${where}[${i}] must be 4 finite numbers [x1, y1, x2, y2]`;
    }
    out.push([b[0], b[1], b[2], b[3]]);
  }
  return out;
}

/** `boxes`, or a message naming what is wrong. A box with x2 < x1 is kept: the views draw it flagged. */
export function parseBoxes(v: unknown, imageCount: number): SampleBoxes | string {
  if (!isObject(v)) return `"boxes" must be an object with "pred" and "gt" lists`;
  const pred = parseBoxList(v['pred'], '"boxes".pred');
  if (typeof pred === 'string') return pred;
  const gt = parseBoxList(v['gt'], '"boxes".gt');
  if (typeof gt === 'string') return gt;
  const image = v['image'] ?? 0;
  if (typeof image !== 'number' || !Number.isInteger(image) || image < 0 || (imageCount > 0 && image >= imageCount)) {
    return `"boxes".image must be the index of one of the sample's ${imageCount} images, got ${JSON.stringify(image)}`;
  }
  const frame = v['frame'] ?? 'original';
  if (frame !== 'original' && frame !== 'input') return `"boxes".frame must be "original" or "input", got ${JSON.stringify(frame)}`;
  const out: SampleBoxes = { pred, gt, image, frame };
  const size = v['input_size'];
  if (size !== undefined && size !== null) {
    if (!Array.isArray(size) || size.length !== 2 || !size.every(positiveInt))
      return `"boxes".input_size must be [width, height] in pixels`;
    out.input_size = [size[0] as number, size[1] as number];
  }
  // `input` without its size is kept (VLM-R1's debug log has none): the views draw it unscaled and flagged.
  return out;
}

/** `video`: a path (resolved like image paths) and an optional duration in seconds. */
export function parseVideo(v: unknown, baseDir: string | null): VideoRef | string {
  const o = typeof v === 'string' ? { path: v } : v;
  if (!isObject(o) || typeof o['path'] !== 'string' || o['path'] === '') return `"video" must be {"path": …, "duration": seconds}`;
  const p = o['path'];
  const out: VideoRef = { path: isAbsolute(p) || baseDir === null ? p : resolve(baseDir, p) };
  const d = o['duration'];
  if (d !== undefined && d !== null) {
    if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) return `"video".duration must be a positive number of seconds`;
    out.duration = d;
  }
  return out;
}

function parseSegmentList(v: unknown, where: string): Segment[] | string {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return `${where} must be a list of [start, end] segments in seconds`;
  // One bare segment is accepted as a list of one.
  const list = v.length === 2 && v.every((x) => typeof x === 'number') ? [v] : v;
  const out: Segment[] = [];
  for (let i = 0; i < list.length; i++) {
    const s: unknown = list[i];
    if (!Array.isArray(s) || s.length !== 2 || !s.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return `${where}[${i}] must be 2 finite numbers [start, end] in seconds`;
    }
    out.push([s[0], s[1]]);
  }
  return out;
}

/** `segments`, or a message naming what is wrong. A reversed segment is kept: the views draw it flagged. */
export function parseSegments(v: unknown): SampleSegments | string {
  if (!isObject(v)) return `"segments" must be an object with "pred" and "gt" lists of [start, end]`;
  const pred = parseSegmentList(v['pred'], '"segments".pred');
  if (typeof pred === 'string') return pred;
  const gt = parseSegmentList(v['gt'], '"segments".gt');
  if (typeof gt === 'string') return gt;
  const out: SampleSegments = { pred, gt };
  if (v['unparsed'] !== undefined && v['unparsed'] !== null) {
    if (typeof v['unparsed'] !== 'string') return `"segments".unparsed must be a string (why no segment was read)`;
    out.unparsed = v['unparsed'];
  }
  return out;
}
