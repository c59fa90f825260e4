// rollout-lens render …: a group's image with its boxes drawn, written as PNG.
import * as fs from 'node:fs';
import { Store } from '../../core/store/store';
import { VideoFrames } from '../../core/media/videoFrames';
import { renderGroup } from '../../core/views/groupRender';
import { ErrorCode, LensError } from '../../shared/errors';
import { intOption, requireDb, requireString, str, type CommandSpec } from '../command';
import { groupOptions } from './tree';
import { UsageError, printJson } from '../output';
import { parseSplit } from './ingest';

export const RENDER_COMMANDS: Record<string, CommandSpec> = {
  render: {
    usage:
      'render --db FILE --run NAME --step N --group UID [--split train|val] [--sample I] [--image K] [--max-width PX] [--ffmpeg FILE] --out FILE.png [--json]',
    summary: "a group's image with every sample's predicted box (coloured by reward) and the target, as PNG",
    options: {
      ...groupOptions,
      sample: { type: 'string' },
      image: { type: 'string' },
      'max-width': { type: 'string' },
      ffmpeg: { type: 'string' },
      out: { type: 'string' },
    },
    run: async (v) => {
      const db = requireDb(v);
      const out = requireString(v, 'out');
      const step = intOption(v, 'step');
      if (step === undefined) throw new UsageError('--step N is required');
      const sample = intOption(v, 'sample');
      const image = intOption(v, 'image');
      const maxWidth = intOption(v, 'max-width', 16);
      if (!fs.existsSync(db)) throw new LensError(ErrorCode.DatabaseUnusable, `${db}: no such database file`);
      const store = Store.open(db, { readonly: true });
      try {
        const ref = { run: requireString(v, 'run'), split: parseSplit(str(v['split'])) ?? 'train', step, group: requireString(v, 'group') };
        const r = await renderGroup(store, ref, {
          ...(sample !== undefined ? { sample } : {}),
          ...(image !== undefined ? { image } : {}),
          ...(maxWidth !== undefined ? { maxWidth } : {}),
          // A temporal-grounding group's timeline gets its target's edge frames when an ffmpeg is found.
          frames: new VideoFrames(() => ({ explicit: str(v['ffmpeg']) ?? '', pathEnv: process.env['PATH'] ?? '', npmPackage: true })),
        });
        fs.writeFileSync(out, r.png);
        const summary = {
          out,
          image: r.image,
          width: r.width,
          height: r.height,
          pred_boxes: r.pred_boxes,
          gt_boxes: r.gt_boxes,
          ...(r.frames !== undefined ? { frames: r.frames } : {}),
          ...(r.note ? { note: r.note } : {}),
        };
        if (v['json'] === true) printJson(summary);
        else
          process.stdout.write(`${out}: ${r.pred_boxes} predicted and ${r.gt_boxes} target boxes on ${r.image} (${r.width}×${r.height})\n`);
        return 0;
      } finally {
        store.close();
      }
    },
  },
};
