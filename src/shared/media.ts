// Images in rollouts and boxes on them (docs/native-format.md#images-and-boxes): the references a
// sample or a turn carries, the boxes a grounding sample predicted, and the box arithmetic every
// view, the CLI and the alerts share. No runtime dependencies: webviews import this file.

/** Where an image was found. Exactly one source key; width and height are original pixels when known. */
export type ImageRef =
  /** A file: absolute once ingested (a relative path is resolved against the rollout file's folder). */
  | { path: string; width?: number; height?: number }
  /** A URL. `data:` URIs are stored in the database at ingest and become `stored`; other URLs are never fetched. */
  | { url: string; width?: number; height?: number }
  /** Row `row` (0-based) of a dataset file (parquet or JSON), column `column`, list item `item` (default 0). */
  | { dataset: string; row: number; column: string; item?: number; width?: number; height?: number }
  /** Bytes kept in the database's `images` table, by the SHA-256 of their content (hex). */
  | { stored: string; width?: number; height?: number };

/** [x1, y1, x2, y2] in pixels. */
export type BoxCoords = [number, number, number, number];

/** Which pixels a sample's boxes are in: the image's own (`original`) or the model input's (`input`). */
export type BoxFrame = 'original' | 'input';

/** A grounding sample's boxes (docs/native-format.md#images-and-boxes). */
export interface SampleBoxes {
  pred: BoxCoords[];
  gt: BoxCoords[];
  /** Which of the sample's images they are drawn on (index into `images`). */
  image: number;
  frame: BoxFrame;
  /** The model input's [width, height] in pixels, for `input` boxes. */
  input_size?: [number, number];
}

/** The image types that are decoded; anything else (SVG included) is refused. */
export const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type ImageMime = (typeof IMAGE_MIMES)[number];

/** Data URIs and image files larger than this are refused (20 MB). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** How a reference is named in warnings and placeholders: "path /a/b.png", "dataset d.parquet row 3 column images". */
export function describeImageRef(ref: ImageRef): string {
  if ('path' in ref) return `path ${ref.path}`;
  if ('url' in ref) return ref.url.startsWith('data:') ? `data URI (${ref.url.length} characters)` : `URL ${ref.url}`;
  if ('dataset' in ref) return `dataset ${ref.dataset} row ${ref.row} column ${ref.column}${ref.item ? ` item ${ref.item}` : ''}`;
  return `stored image ${ref.stored.slice(0, 12)}`;
}

export function boxArea(b: BoxCoords): number {
  return Math.abs(b[2] - b[0]) * Math.abs(b[3] - b[1]);
}

/** True when a box is malformed or leaves the image: it is drawn clipped and flagged, never dropped. */
export function boxProblem(b: BoxCoords, width: number | null, height: number | null): string | null {
  if (b[2] < b[0] || b[3] < b[1]) return 'x2 < x1 or y2 < y1';
  if (width !== null && height !== null && (b[0] < 0 || b[1] < 0 || b[2] > width || b[3] > height)) return 'outside the image';
  return null;
}

/**
 * Boxes in original pixels. `input` boxes scale by original ÷ input size on each axis, as VLM-R1
 * does (docs/rewards.md#vlm-r1-iou); without both sizes they are returned as logged.
 */
export function boxesInOriginal(boxes: SampleBoxes, width: number | null, height: number | null): BoxCoords[][] {
  const scale = (list: BoxCoords[]): BoxCoords[] => {
    if (boxes.frame !== 'input' || !boxes.input_size || width === null || height === null) return list;
    const [iw, ih] = boxes.input_size;
    if (!(iw > 0 && ih > 0)) return list;
    const sx = width / iw;
    const sy = height / ih;
    return list.map((b) => [b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy]);
  };
  return [scale(boxes.pred), scale(boxes.gt)];
}

/** Plain IoU of two boxes in continuous coordinates (the views' column; rewards keep their sources' own). */
export function boxIou(a: BoxCoords, b: BoxCoords): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const inter = iw > 0 && ih > 0 ? iw * ih : 0;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** 1 when the predicted box's centre lies in the target (edges included), as GUI-G1's hit reward. */
export function boxHit(pred: BoxCoords, gt: BoxCoords): number {
  const cx = (pred[0] + pred[2]) / 2;
  const cy = (pred[1] + pred[3]) / 2;
  return cx >= gt[0] && cx <= gt[2] && cy >= gt[1] && cy <= gt[3] ? 1 : 0;
}

/** What the group view and the CLI show per sample with boxes: against the first target box. */
export interface BoxScores {
  iou: number | null;
  hit: number | null;
  /** Predicted box area ÷ target area (box-size hacking shows as this growing). */
  area_ratio: number | null;
}

export function boxScores(pred: BoxCoords | undefined, gt: BoxCoords | undefined): BoxScores {
  if (!pred || !gt) return { iou: null, hit: null, area_ratio: null };
  const gtArea = boxArea(gt);
  return { iou: boxIou(pred, gt), hit: boxHit(pred, gt), area_ratio: gtArea > 0 ? boxArea(pred) / gtArea : null };
}

/** The group view's images: what the engine sends with the group (GroupViewData.media). */
export interface GroupMedia {
  /** The distinct images the group's samples refer to, in first-use order (usually one). */
  images: Array<{ ref: ImageRef; label: string }>;
  /** Per sample, in the view's samples order. */
  samples: Array<{
    index: number;
    /** The image its boxes are drawn on (index into `images`), or its first image; null when it has none. */
    image: number | null;
    boxes: SampleBoxes | null;
    /** Against the first target box, in the frame the boxes were logged in (IoU, hit and the ratio do not change with scale). */
    scores: BoxScores;
    /** Why a box is drawn flagged (x2 < x1, outside the image), per predicted box; null when fine. */
    problems: Array<string | null>;
  }>;
}

/**
 * An image's bytes for a view, or why they could not be loaded (the placeholder says which reference
 * was looked for). `width` and `height` are the original image's, which boxes are in; an image
 * larger than DISPLAY_MAX_SIDE was downscaled for display, so its bytes decode smaller.
 */
export type ImageLoad =
  | { ok: true; mime: ImageMime; /** base64 */ data: string; width: number; height: number; bytes: number; downscaled?: boolean }
  | { ok: false; message: string };

/** Images whose longer side exceeds this many pixels reach a view downscaled to it (boxes keep original pixels). */
export const DISPLAY_MAX_SIDE = 2560;

// ——— Video temporal grounding (docs/native-format.md#video-and-segments) ———

/** The video a sample is about: a file (resolved like image paths) and its length in seconds when known. */
export interface VideoRef {
  path: string;
  duration?: number;
}

/** [start, end] in seconds. */
export type Segment = [number, number];

/** A temporal-grounding sample's segments. */
export interface SampleSegments {
  /** Predicted segments (empty when the answer could not be read: see `unparsed`). */
  pred: Segment[];
  gt: Segment[];
  /** Why no predicted segment could be read from the answer (e.g. "no <answer> block", "start 12 > end 3"). */
  unparsed?: string;
}

export function segmentLength(s: Segment): number {
  return Math.abs(s[1] - s[0]);
}

/** Plain temporal IoU in seconds (the views' column; the rewards keep their sources' own); null when the union is 0. */
export function segmentIou(a: Segment, b: Segment): number | null {
  const inter = Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
  const union = Math.max(a[1], b[1]) - Math.min(a[0], b[0]);
  return union > 0 ? inter / union : null;
}

/** Why a segment is drawn flagged (never dropped): reversed, negative, or past the video's end. */
export function segmentProblem(s: Segment, duration: number | null): string | null {
  if (s[1] < s[0]) return `start ${s[0]} > end ${s[1]}`;
  if (s[0] < 0) return 'starts before 0';
  if (duration !== null && s[1] > duration) return `ends after the video (${duration} s)`;
  return null;
}

/** Per sample against the first target: temporal IoU and predicted ÷ target length (segment growth shows as this rising). */
export interface SegmentScores {
  tiou: number | null;
  length_ratio: number | null;
}

export function segmentScores(pred: Segment | undefined, gt: Segment | undefined): SegmentScores {
  if (!pred || !gt) return { tiou: null, length_ratio: null };
  const gl = segmentLength(gt);
  return { tiou: segmentIou(pred, gt), length_ratio: gl > 0 ? segmentLength(pred) / gl : null };
}

/** The group view's timeline (GroupViewData.timeline): null when no sample has segments. */
export interface GroupTimeline {
  /** The group's video (its first sample's), or null when none was logged. */
  video: { ref: VideoRef; label: string } | null;
  /** The timeline's end: the video's duration, else the latest segment end. */
  duration: number;
  /** Whether `duration` is the video's (true) or only the latest segment end (false: the video's length is unknown). */
  duration_known: boolean;
  /** The distinct target segments of the group. */
  gt: Segment[];
  samples: Array<{ index: number; pred: Segment[]; problems: Array<string | null>; scores: SegmentScores }>;
  /** Samples whose answer gave no segment, with why: listed apart from the timeline. */
  unparsable: Array<{ index: number; reason: string }>;
}

// ——— Frames of a group's video (docs/architecture.md#video-frames) ———

/** At most this many frame times per views/groupFrames request. */
export const FRAME_TIMES_MAX = 64;
/** Thumbnail widths a view may ask for, in pixels (the height follows the video's aspect). */
export const FRAME_WIDTH = { min: 32, max: 320 } as const;
/** The one message when no decoder is found: frames are off, the timeline still shows. */
export const NO_DECODER_MESSAGE = 'no video decoder: install ffmpeg or set rolloutLens.ffmpegPath';
export const NO_VIDEO_MESSAGE = 'this group has no video';

/**
 * One asked-for frame: a PNG thumbnail (base64), or why it is missing. `time` is as asked; `at` is
 * the second decoded, after clamping into [0, duration].
 */
export type VideoFrame = { time: number; at: number; png: string } | { time: number; message: string };

/** The frames of a group's video (views/groupFrames), or why there are none (NO_DECODER_MESSAGE, NO_VIDEO_MESSAGE). */
export type GroupFrames = { ok: true; frames: VideoFrame[] } | { ok: false; message: string };
