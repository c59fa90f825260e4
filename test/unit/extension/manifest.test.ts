import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../helpers';

interface Manifest {
  contributes: { commands: Array<{ command: string }>; configuration: Array<{ properties: Record<string, unknown> }> };
}
type Properties = Record<string, Record<string, unknown>>;
/** What definedSettings returns; the test only hands it back. */
interface Defined {
  settings: Map<string, unknown>;
}
interface DefinitionChecks {
  loadDefinitions: (root: string) => Promise<unknown>;
  definedSettings: (definitions: unknown) => Defined;
  checkDefinedSettings: (properties: Properties, defined: Defined) => string[];
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

  it('names each way package.json differs from the settings defined in src/shared', async () => {
    const m = (await import(path.join(ROOT, 'scripts', 'check-manifest.mjs'))) as DefinitionChecks;
    const defined = m.definedSettings(await m.loadDefinitions(ROOT));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { configuration: Array<{ properties: Properties }> };
    };
    const properties: Properties = Object.assign({}, ...pkg.contributes.configuration.map((s) => s.properties));
    assert.deepEqual(m.checkDefinedSettings(properties, defined), []);
    assert.ok(defined.settings.has('rolloutLens.alerts.saturationEffectiveMax'));

    const { ['rolloutLens.alerts.boxHitRise']: _dropped, ...rest } = properties;
    const changed: Properties = {
      ...rest,
      'rolloutLens.alerts.lengthRise': { ...properties['rolloutLens.alerts.lengthRise'], default: 0.3 },
      'rolloutLens.alerts.window': { ...properties['rolloutLens.alerts.window'], type: 'number' },
      'rolloutLens.alerts.lenghtRise': { type: 'number', default: 0.2 },
      'rolloutLens.reflection.preset': { ...properties['rolloutLens.reflection.preset'], enum: ['simplerl'] },
    };
    assert.deepEqual(m.checkDefinedSettings(changed, defined), [
      'setting rolloutLens.alerts.window: package.json has type "number", src/shared/alerts.ts defines "integer"',
      'setting rolloutLens.alerts.lengthRise: package.json has default 0.3, src/shared/alerts.ts defines 0.2',
      'setting rolloutLens.alerts.boxHitRise is defined in src/shared/alerts.ts but not contributed',
      'setting rolloutLens.reflection.preset: package.json has enum ["simplerl"], src/shared/reflection.ts defines ' +
        '["simplerl","oat-zero-qwen","oat-zero-deepseek","oat-zero-llama","understand-r1-zero","deepseek-r1"]',
      'setting rolloutLens.alerts.lenghtRise is contributed but not defined in src/shared/alerts.ts',
    ]);
  });
});
