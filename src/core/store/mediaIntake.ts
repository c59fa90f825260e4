// What the ingest does with a sample's image and video references before it stores them: data URIs become
// bytes in the `images` table (once per content), image files get their size read from their
// header, and anything that cannot be shown later becomes a per-sample warning. The sample's text is
// stored either way (docs/native-format.md#images-and-boxes).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { describeImageRef, type ImageRef } from '../../shared/media';
import type { SampleRecord } from '../ingest/records';
import { dataUriBytes, fileImageInfo, imageInfo, type ImageInfo } from '../media/imageInfo';
import type { SqliteDatabase, SqliteStatement } from './nativeLoader';

/** Files whose answers are kept before they are asked again. */
const CACHE_LIMIT = 10_000;

/** Warnings listed per ingest; the rest are counted. */
const LISTED = 20;

export class MediaIntake {
  private readonly files = new Map<string, ImageInfo | string>();
  /** Whether a dataset or video file exists, asked once per path. */
  private readonly present = new Map<string, boolean>();
  private readonly insImage: SqliteStatement;
  private readonly problems: string[] = [];
  private unlisted = 0;

  constructor(db: SqliteDatabase) {
    this.insImage = db.prepare(
      'INSERT INTO images (hash, mime, width, height, bytes) VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING',
    );
  }

  /** Rewrites the sample's (and its turns') references as they will be stored; `who` names the sample in warnings. */
  take(rec: SampleRecord, who: string): void {
    // Following a run for days meets ever new files, and a file missing now may appear later: the
    // answers are kept for a while, not for the writer's whole life.
    if (this.files.size + this.present.size > CACHE_LIMIT) {
      this.files.clear();
      this.present.clear();
    }
    // A video is only looked for: its frames are read, if ever, when a view shows them.
    if (rec.video && !this.exists(rec.video.path)) this.note(who, `video ${rec.video.path}: no such file (the timeline still shows)`);
    else if (rec.video && rec.video.duration === undefined && rec.segments) {
      this.note(
        who,
        `video ${rec.video.path}: duration unknown (its timeline ends at the latest segment, and no segment can be flagged as past the end)`,
      );
    }
    if (rec.images) rec.images = rec.images.map((r) => this.ref(r, who));
    if (rec.turns?.some((t) => t.images)) {
      rec.turns = rec.turns.map((t, i) => (t.images ? { ...t, images: t.images.map((r) => this.ref(r, `${who} turn ${i}`)) } : t));
    }
  }

  /** The warnings so far (the first LISTED, then a count), emptied. */
  drain(): string[] {
    const out = this.problems.splice(0);
    if (this.unlisted) out.push(`… and ${this.unlisted} more image or video problems (see the placeholders in the group view)`);
    this.unlisted = 0;
    return out;
  }

  private warn(who: string, ref: ImageRef, why: string): void {
    this.note(who, `image ${describeImageRef(ref)}: ${why}`);
  }

  private note(who: string, what: string): void {
    if (this.problems.length < LISTED) this.problems.push(`${who}: ${what}`);
    else this.unlisted++;
  }

  private exists(file: string): boolean {
    let known = this.present.get(file);
    if (known === undefined) this.present.set(file, (known = fs.existsSync(file)));
    return known;
  }

  private ref(r: ImageRef, who: string): ImageRef {
    if ('path' in r) {
      let info = this.files.get(r.path);
      if (info === undefined) this.files.set(r.path, (info = fileImageInfo(r.path)));
      if (typeof info === 'string') {
        this.warn(who, r, info);
        return r;
      }
      return { path: r.path, width: info.width, height: info.height };
    }
    if ('url' in r) {
      if (!r.url.startsWith('data:')) {
        this.warn(who, r, 'URLs other than data: URIs are never fetched; log the image as a file or a data URI');
        return r;
      }
      const stored = this.storeDataUri(r.url);
      if (typeof stored !== 'string') return stored;
      this.warn(who, r, stored);
      // The refused payload is not kept: the row stays small and the placeholder names what arrived.
      return { url: `${r.url.slice(0, Math.min(r.url.indexOf(',') + 1 || 40, 60))}… (${r.url.length} characters, refused: ${stored})` };
    }
    if ('dataset' in r) {
      if (!this.exists(r.dataset)) this.warn(who, r, 'the dataset file does not exist');
    }
    return r;
  }

  private storeDataUri(url: string): ImageRef | string {
    const bytes = dataUriBytes(url);
    if (typeof bytes === 'string') return bytes;
    const info = imageInfo(bytes);
    if (typeof info === 'string') return info;
    const hash = createHash('sha256').update(bytes).digest('hex');
    this.insImage.run(hash, info.mime, info.width, info.height, bytes);
    return { stored: hash, width: info.width, height: info.height };
  }
}
