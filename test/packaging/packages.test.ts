// The four VSIXes (`npm run package -- --target=all`): what each carries. Only linux-x64 can be run
// here (the e2e suites install it into three VS Code generations); the others are checked by content.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ROOT } from '../helpers';

const NATIVE = /\.(node|so(\.\d+)*|dylib|dll)$/;

function entries(target: string): string[] {
  const vsix = path.join(ROOT, '.artifacts', `rollout-lens-${target}-0.1.0.vsix`);
  return execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n');
}

function nativeFiles(target: string): string[] {
  return entries(target)
    .filter((f) => NATIVE.test(f))
    .sort();
}

describe('per-platform VSIXes', () => {
  before(() => {
    execFileSync(process.execPath, ['scripts/package.mjs', '--target=all'], { cwd: ROOT, stdio: 'pipe', timeout: 600_000 });
  });

  it('linux-x64: better-sqlite3 for Node 20, 22 and 24, and only the linux x64 onnxruntime', () => {
    assert.deepEqual(nativeFiles('linux-x64'), [
      'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'extension/prebuilds/linux-x64/node-115/better_sqlite3.node',
      'extension/prebuilds/linux-x64/node-127/better_sqlite3.node',
      'extension/prebuilds/linux-x64/node-137/better_sqlite3.node',
    ]);
  });

  it('no VSIX carries an ffmpeg: it is a devDependency; frames use one already on the machine', () => {
    assert.deepEqual(
      ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64'].flatMap((t) => entries(t).filter((f) => /ffmpeg/i.test(f))),
      [],
    );
  });

  it('darwin-arm64: no better-sqlite3 binary (node:sqlite), the darwin arm64 onnxruntime', () => {
    assert.deepEqual(nativeFiles('darwin-arm64'), [
      'extension/node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/libonnxruntime.1.30.0.dylib',
      'extension/node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/libonnxruntime.1.dylib',
      'extension/node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/onnxruntime_binding.node',
    ]);
  });

  it('darwin-x64: no native binary at all (onnxruntime-node 1.30 ships none for Intel Macs)', () => {
    assert.deepEqual(nativeFiles('darwin-x64'), []);
  });

  it('win32-x64: no better-sqlite3 binary, the win32 x64 onnxruntime and its DirectML libraries', () => {
    const files = nativeFiles('win32-x64');
    assert.ok(files.includes('extension/node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime_binding.node'));
    assert.deepEqual(
      files.filter((f) => !f.includes('/napi-v6/win32/x64/')),
      [],
    );
    assert.deepEqual(
      files.filter((f) => f.includes('better_sqlite3')),
      [],
    );
  });
});
