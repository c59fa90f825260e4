import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../helpers';

interface Manifest {
  contributes: { commands: Array<{ command: string }>; configuration: Array<{ properties: Record<string, unknown> }> };
}

describe('manifest check', () => {
  it('passes on this repository', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'check-manifest.mjs')], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });

  it('names a contributed command that nothing registers, and a registered one not contributed', async () => {
    const { checkManifest } = (await import(path.join(ROOT, 'scripts', 'check-manifest.mjs'))) as {
      checkManifest: (pkg: Manifest, code: string) => string[];
    };
    const pkg: Manifest = {
      contributes: {
        commands: [{ command: 'rolloutLens.a' }, { command: 'rolloutLens.b' }],
        configuration: [{ properties: { 'rolloutLens.x': {} } }],
      },
    };
    const code = "reg('rolloutLens.a', f); reg('rolloutLens.c', g); c.get<string>('y', '')";
    assert.deepEqual(checkManifest(pkg, code), [
      'command rolloutLens.b is contributed but never registered',
      'command rolloutLens.c is registered but not contributed',
      'setting rolloutLens.x is contributed but never read',
      'setting rolloutLens.y is read but not contributed',
    ]);
  });
});
