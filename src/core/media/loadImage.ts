// An image's bytes for a view or the CLI, from any reference a sample can carry. The type is taken
// from the bytes (imageInfo), so only PNG, JPEG, WebP and GIF ever reach a webview, each under the
// size limit. Failures are messages that name the reference, for the view's placeholder.
import * as fs from 'node:fs';
import { errorMessage } from '../../shared/errors';
import { describeImageRef, MAX_IMAGE_BYTES, type ImageRef } from '../../shared/media';
import type { SqliteDatabase } from '../store/nativeLoader';
import { datasetImage } from './datasetImages';
import { imageInfo, type ImageInfo } from './imageInfo';

export type ImageBytes = { ok: true; bytes: Buffer; info: ImageInfo } | { ok: false; message: string };

function checked(bytes: Buffer, ref: ImageRef): ImageBytes {
  if (bytes.length > MAX_IMAGE_BYTES) return failed(ref, `${bytes.length} bytes, over the ${MAX_IMAGE_BYTES}-byte limit`);
  const info = imageInfo(bytes);
  return typeof info === 'string' ? failed(ref, info) : { ok: true, bytes, info };
}

function failed(ref: ImageRef, why: string): ImageBytes {
  return { ok: false, message: `Image not shown: ${describeImageRef(ref)}: ${why}` };
}

async function readFile(path: string, ref: ImageRef): Promise<ImageBytes> {
  try {
    const size = (await fs.promises.stat(path)).size;
    if (size > MAX_IMAGE_BYTES) return failed(ref, `${size} bytes, over the ${MAX_IMAGE_BYTES}-byte limit`);
    return checked(await fs.promises.readFile(path), ref);
  } catch (e) {
    return failed(ref, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(e));
  }
}

export async function loadImageBytes(db: SqliteDatabase, ref: ImageRef): Promise<ImageBytes> {
  if ('path' in ref) return readFile(ref.path, ref);
  if ('stored' in ref) {
    const row = db.prepare('SELECT bytes FROM images WHERE hash = ?').get(ref.stored) as { bytes: Buffer } | undefined;
    return row ? checked(row.bytes, ref) : failed(ref, 'not in this database');
  }
  if ('url' in ref) {
    // Data URIs were stored at ingest; what is left here was refused then, or is a remote URL.
    return failed(ref, ref.url.startsWith('data:') ? 'refused at ingest' : 'URLs other than data: URIs are never fetched');
  }
  const got = await datasetImage(ref);
  if ('problem' in got) return failed(ref, got.problem);
  if ('path' in got) {
    const r = await readFile(got.path, ref);
    return r.ok ? r : failed(ref, `its cell names ${got.path}: ${r.message.slice(r.message.lastIndexOf(': ') + 2)}`);
  }
  return checked(Buffer.from(got.bytes.buffer, got.bytes.byteOffset, got.bytes.byteLength), ref);
}
