// The report host's answers to the group view's requests, from the data the page embeds. Params are
// checked with the same descriptors the extension's host checks them with.
import { IMAGE_MIMES, type ImageLoad } from '../../src/shared/media';
import { GroupMessages } from '../../src/shared/protocol/webviews/group';
import { parseDataUri, type ReportData } from '../../src/shared/report';

export type Answer = { ok: true; result: unknown } | { ok: false; error: string };

const ok = (result: unknown): Answer => ({ ok: true, result });
const fail = (error: string): Answer => ({ ok: false, error });

export function answerRequest(data: ReportData, method: string, params: unknown): Answer {
  switch (method) {
    case GroupMessages.sample.method: {
      const p = GroupMessages.sample.params.safeParse(params);
      if (!p.success) return fail(`${method}: invalid params`);
      const d = data.samples[String(p.data.index)];
      return d ? ok(d) : fail(`Sample #${p.data.index} is not in this report.`);
    }
    case GroupMessages.nodeTexts.method: {
      const p = GroupMessages.nodeTexts.params.safeParse(params);
      if (!p.success) return fail(`${method}: invalid params`);
      const out: Record<string, string> = {};
      for (const id of p.data.ids) {
        const t = data.node_texts[String(id)];
        if (t !== undefined) out[String(id)] = t;
      }
      return ok(out);
    }
    case GroupMessages.tokens.method: {
      const p = GroupMessages.tokens.params.safeParse(params);
      if (!p.success) return fail(`${method}: invalid params`);
      const t = data.tokens[String(p.data.index)];
      if (t) return ok(t);
      return fail(data.tokens_left_out ?? `Sample #${p.data.index} logged no per-token arrays.`);
    }
    case GroupMessages.image.method: {
      const p = GroupMessages.image.params.safeParse(params);
      if (!p.success) return fail(`${method}: invalid params`);
      return ok(imageLoad(data, p.data.image));
    }
    case GroupMessages.frames.method:
      return fail('Video frames are not part of a shared report: they are decoded from the video, which stays with the run.');
    default:
      return fail(`${method}: a static report cannot answer this`);
  }
}

function imageLoad(data: ReportData, image: number): ImageLoad {
  const img = data.images[image];
  if (!img) return { ok: false, message: `This report holds ${data.images.length} images; there is no image ${image}.` };
  if ('left_out' in img) return { ok: false, message: img.left_out };
  const parsed = parseDataUri(img.data_uri);
  const mime = IMAGE_MIMES.find((x) => x === parsed?.mime);
  if (!parsed || !mime) return { ok: false, message: `Image ${image} of this report is not a base64 image data URI.` };
  return {
    ok: true,
    mime,
    data: parsed.data,
    width: img.width,
    height: img.height,
    bytes: img.bytes,
    ...(img.downscaled ? { downscaled: true } : {}),
  };
}
