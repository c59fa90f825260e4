// Writing a shared report to the file the user chose: checked like an export's path (it comes through
// the engine protocol too), written under a temporary name and renamed when complete.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GroupRef } from '../../shared/explorer';
import { ErrorCode, LensError } from '../../shared/errors';
import type { ReportSummary } from '../../shared/report';
import type { Store } from '../store/store';
import { reportData, type ReportOptions } from './reportData';
import { reportHtml, webviewBundleDir } from './reportHtml';

export function checkReportPath(p: string): string {
  if (!path.isAbsolute(p)) throw new LensError(ErrorCode.BadInput, `report path must be absolute: ${JSON.stringify(p)}`);
  if (p.split(/[\\/]/).includes('..')) throw new LensError(ErrorCode.BadInput, `report path must not contain "..": ${JSON.stringify(p)}`);
  if (!/\.html?$/i.test(p)) throw new LensError(ErrorCode.BadInput, `report path must end in .html: ${JSON.stringify(p)}`);
  const dir = path.dirname(p);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new LensError(ErrorCode.BadInput, `report folder does not exist: ${dir}`);
  return p;
}

export async function writeReport(
  store: Store,
  ref: GroupRef,
  file: string,
  opts: ReportOptions & { bundleDir?: string } = {},
): Promise<ReportSummary> {
  checkReportPath(file);
  const dir = opts.bundleDir ?? webviewBundleDir();
  const data = await reportData(store, ref, opts);
  const html = reportHtml(data, dir);
  const tmp = `${file}.partial`;
  fs.writeFileSync(tmp, html);
  fs.renameSync(tmp, file);
  return {
    path: file,
    bytes: Buffer.byteLength(html),
    samples: data.group.samples.length,
    images: data.images.filter((i) => 'data_uri' in i).length,
    images_left_out: data.images.filter((i) => 'left_out' in i).length,
    tokens_left_out: data.tokens_left,
    labels: data.group.labels.group.length + data.group.labels.samples.reduce((n, s) => n + s.labels.length, 0),
    step: ref.step,
    group: ref.group,
    cluster: data.cluster
      ? { id: data.cluster.id, name: data.cluster.name, size: data.cluster.size, in_group: data.cluster.in_group }
      : null,
  };
}
