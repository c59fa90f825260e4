// A sample's image with its boxes as hover markdown: the explorer's sample tooltip and the sample
// document's "Image:" line. No `vscode` import, so the text is tested as it is written.
//
// The image is a `data:image/png;base64,…` URI. VS Code's markdown renderer allows `data:` as an
// image source in every MarkdownString, trusted or not, and passes it through unchanged, but it cuts
// any markdown value after 100,000 characters, which would break the URI mid-way
// (microsoft/vscode src/vs/base/browser/markdownRenderer.ts at 00658dec8cfb402047989efb1c355e07ddd087bd:
// `allowedMediaProtocols`, `massageHref`, `preprocessMarkdownString`; docs/webviews.md#the-runs-view-not-a-webview).
// So the picture is asked for again, narrower, until it fits.
import { fmt } from '../../shared/format';
import type { SampleImageResult } from '../../shared/protocol/engine';

/** How wide the hover draws the image (px). */
export const HOVER_IMAGE_WIDTH = 320;
/** VS Code truncates markdown longer than this (see above). */
export const MARKDOWN_LIMIT = 100_000;
/** What the base64 may take of it, leaving room for the text around the image. */
export const IMAGE_BUDGET = MARKDOWN_LIMIT - 5_000;
const NARROWEST = 16;

type Drawn = Extract<SampleImageResult, { ok: true }>;

/** Every ASCII punctuation character CommonMark lets a backslash escape: model text stays text (no links, HTML, lists). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * The image at HOVER_IMAGE_WIDTH, or narrower when its base64 would not fit IMAGE_BUDGET: the width
 * shrinks by the square root of the excess (PNG size follows the pixel count), at most three times.
 */
export async function imageForHover(draw: (maxWidth: number) => Promise<SampleImageResult>): Promise<SampleImageResult> {
  let width = HOVER_IMAGE_WIDTH;
  let label: string | null = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    const r = await draw(width);
    if (!r.ok || r.png.length <= IMAGE_BUDGET) return r;
    label = r.label;
    if (width === NARROWEST) break;
    width = Math.max(NARROWEST, Math.floor(Math.min(width, r.width) * Math.sqrt(IMAGE_BUDGET / r.png.length) * 0.9));
  }
  return { ok: false, message: 'the image is too detailed to show in a hover; the group view shows it', label };
}

/** IoU, hit and area ÷ target against the first target box, as the group view's box titles word them. */
export function scoresLine(r: Drawn): string | null {
  const s = r.scores;
  if (!s) return null;
  const hit = s.hit === null ? fmt(null) : s.hit ? 'yes' : 'no';
  return `IoU ${fmt(s.iou)} · hit ${hit} · area ÷ target ${fmt(s.area_ratio)}`;
}

/**
 * The scores and what was drawn first (an editor hover is short: they stay in view above the
 * picture), then the image and its name; every word from the rollout escaped.
 */
export function sampleImageMarkdown(r: Drawn, index: number): string {
  const scores = scoresLine(r);
  const drawn = `${r.pred_boxes} predicted and ${r.gt_boxes} target ${r.gt_boxes === 1 ? 'box' : 'boxes'} drawn`;
  return [
    scores ? `${scores} (${drawn})` : 'no boxes logged for this sample',
    '',
    `![image of sample ${index}](data:image/png;base64,${r.png})`,
    '',
    escapeMarkdown(oneLine(r.label)),
  ].join('\n');
}

/** The sample document's header line for its image, or null when the sample has none. */
export function imageHeaderLine(r: SampleImageResult): string | null {
  if (r.ok) return `Image: ${oneLine(r.label)} (hover for ${r.scores ? "this sample's boxes" : 'the image'})`;
  if (r.label === null) return null;
  return `Image: ${oneLine(r.label)} (not shown: ${oneLine(r.message)})`;
}

/** Paths and messages on one line: a newline in a logged path must not start a new header line. */
function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ');
}
