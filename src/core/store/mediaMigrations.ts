// Schema migrations for images, boxes, video and segments (versions 8 and 9), kept apart from
// migrations.ts so each file stays readable. Append new ones to migrations.ts; never edit one that shipped.
import type { Migration } from './migrations';

export const MEDIA_MIGRATIONS: readonly Migration[] = [
  {
    version: 8,
    description: 'images and boxes: references per sample, and image bytes that arrived as data URIs',
    sql: `
-- JSON lists of image references (docs/native-format.md#images-and-boxes); turn images stay in turns.
ALTER TABLE samples ADD COLUMN images TEXT;
-- JSON {pred, gt, image, frame, input_size} of a grounding sample.
ALTER TABLE samples ADD COLUMN boxes TEXT;
-- Image bytes kept in the database (data URIs in prime-rl traces), once per content.
CREATE TABLE images (
  hash TEXT PRIMARY KEY,
  mime TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bytes BLOB NOT NULL
);
-- Per step, the boxes of the samples that logged a predicted and a target box, against the first
-- target: IoU and hit sums, and the predicted ÷ target area (ratio_n: targets with an area). Kept
-- by the ingest writer so the dashboard's box chart never reads the samples.
CREATE TABLE step_boxes (
  step_id INTEGER PRIMARY KEY REFERENCES steps(id) ON DELETE CASCADE,
  n INTEGER NOT NULL,
  iou_sum REAL NOT NULL,
  hit_sum REAL NOT NULL,
  ratio_sum REAL NOT NULL,
  ratio_n INTEGER NOT NULL
);
`,
  },
  {
    version: 9,
    description: 'video temporal grounding: the video and segments per sample, and per-step segment sums',
    sql: `
-- JSON {path, duration} and {pred, gt, unparsed} (docs/native-format.md#video-and-segments).
ALTER TABLE samples ADD COLUMN video TEXT;
ALTER TABLE samples ADD COLUMN segments TEXT;
-- Per step, the samples with segments: how many, how many gave no segment, and against the first
-- target the temporal IoU and the predicted ÷ target length (each with how many had one). Kept by
-- the ingest writer so the dashboard's segment chart never reads the samples.
CREATE TABLE step_segments (
  step_id INTEGER PRIMARY KEY REFERENCES steps(id) ON DELETE CASCADE,
  n INTEGER NOT NULL,
  unparsable_n INTEGER NOT NULL,
  tiou_sum REAL NOT NULL,
  tiou_n INTEGER NOT NULL,
  ratio_sum REAL NOT NULL,
  ratio_n INTEGER NOT NULL
);
`,
  },
];
