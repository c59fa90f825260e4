// Writing an export to a file the user chose. The path comes through the engine protocol, so it is
// checked: absolute, a .jsonl name, its folder exists, no traversal segments.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, LensError } from '../../shared/errors';
import type { NativeRollout } from '../../shared/rollout';

export function checkExportPath(p: string): string {
  if (!path.isAbsolute(p)) throw new LensError(ErrorCode.BadInput, `export path must be absolute: ${JSON.stringify(p)}`);
  if (p.split(/[\\/]/).includes('..')) throw new LensError(ErrorCode.BadInput, `export path must not contain "..": ${JSON.stringify(p)}`);
  if (!p.endsWith('.jsonl')) throw new LensError(ErrorCode.BadInput, `export path must end in .jsonl: ${JSON.stringify(p)}`);
  const dir = path.dirname(p);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new LensError(ErrorCode.BadInput, `export folder does not exist: ${dir}`);
  }
  return p;
}

/** Streams records to `file` (written to a temporary name, renamed when complete). */
export async function writeExport(
  records: Iterable<NativeRollout>,
  file: string,
  signal?: AbortSignal,
): Promise<{ path: string; samples: number }> {
  checkExportPath(file);
  const tmp = `${file}.partial`;
  const fd = fs.openSync(tmp, 'w');
  let n = 0;
  try {
    let chunk: string[] = [];
    for (const r of records) {
      chunk.push(JSON.stringify(r));
      n++;
      if (chunk.length === 2000) {
        fs.writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw new LensError(ErrorCode.Cancelled, `export to ${file} cancelled`);
      }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
    return { path: file, samples: n };
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
