import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findProfile, loadProfiles } from '../../../src/core/runs/profiles';
import { argValue, commandLine, resolveProfile } from '../../../src/core/runs/resolve';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { ROOT, tempDir } from '../../helpers';

function profilesFile(content: string): { dir: string; file: string } {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, '.rollout-lens'));
  const file = path.join(dir, '.rollout-lens', 'runs.json');
  fs.writeFileSync(file, content);
  return { dir, file };
}

function loadError(content: string): LensError {
  const { dir, file } = profilesFile(content);
  try {
    loadProfiles(file, dir);
  } catch (e) {
    assert.ok(e instanceof LensError);
    assert.ok(e.message.startsWith(`${file}: `), e.message);
    return Object.assign(e, { message: e.message.slice(file.length + 2) });
  }
  throw new Error('expected an error');
}

const one = (p: Record<string, unknown>): string => JSON.stringify({ profiles: [p] });

describe('run profiles', () => {
  it('says which line and column of a malformed file is wrong', () => {
    const e = loadError('{\n  "profiles": [\n    { "name": "a", }\n  ]\n}');
    assert.equal(e.code, ErrorCode.BadInput);
    assert.match(e.message, /^not valid JSON: line 3, column \d+: /);
  });

  it('names the JSON path of an unknown backend, a missing command, a bad type and an unknown key', () => {
    assert.equal(
      loadError(one({ name: 'a', command: 'x', backend: 'kubernetes' })).message,
      '$.profiles[0].backend: unknown backend "kubernetes" (use local, slurm, ray)',
    );
    assert.equal(
      loadError(JSON.stringify({ profiles: [{ name: 'a', command: 'x' }, { name: 'b' }] })).message,
      '$.profiles[1].command: missing: the program to run, e.g. "python3"',
    );
    assert.equal(loadError(one({ name: 'a', command: 'x', args: 'train.py' })).message, '$.profiles[0].args: must be an array of strings');
    assert.equal(loadError(one({ name: 'a', command: 'x', env: { A: 1 } })).message, '$.profiles[0].env.A: must be a string');
    assert.equal(loadError(one({ name: 'a', command: 'x', comand: 'y' })).message, '$.profiles[0]: Unrecognized key: "comand"');
    assert.equal(loadError('{"profile": []}').message, '$.profiles: missing: the list of profiles');
    assert.equal(loadError('[]').message, '$: Invalid input: expected object, received array');
    assert.equal(
      loadError(one({ name: 'a', command: 'x', trainer: 'openrlhf' })).message,
      '$.profiles[0].trainer: unknown trainer "openrlhf" (use verl, trl, native)',
    );
  });

  it('refuses run names the store would refuse, duplicates, misplaced backend options and unknown variables', () => {
    assert.match(loadError(one({ name: '../etc', command: 'x' })).message, /^\$\.profiles\[0\]\.name: invalid run name "\.\.\/etc"/);
    assert.equal(
      loadError(
        JSON.stringify({
          profiles: [
            { name: 'a', command: 'x' },
            { name: 'a', command: 'y' },
          ],
        }),
      ).message,
      '$.profiles[1].name: duplicate profile name "a" (also $.profiles[0].name)',
    );
    assert.equal(
      loadError(one({ name: 'a', command: 'x', slurm: { partition: 'p' } })).message,
      '$.profiles[0].slurm: only for "backend": "slurm"',
    );
    assert.equal(
      loadError(one({ name: 'a', command: 'x', args: ['${workspace}/t.py'] })).message,
      '$.profiles[0].args[0]: unknown variable ${workspace} (use ${workspaceFolder}, ${profileDir}, ${runDir}, ${run} or ${env:NAME})',
    );
  });

  it('says where to create a missing file, and lists the profiles when one is not found', () => {
    const dir = tempDir();
    assert.throws(
      () => loadProfiles(path.join(dir, 'runs.json'), dir),
      (e: unknown) =>
        e instanceof LensError && e.code === ErrorCode.NotFound && /runs\.json: no run profiles file; create it/.test(e.message),
    );
    const { file } = profilesFile(
      JSON.stringify({
        profiles: [
          { name: 'a', command: 'x' },
          { name: 'b', command: 'y' },
        ],
      }),
    );
    const pf = loadProfiles(file, '/elsewhere');
    assert.throws(() => findProfile(pf, 'c'), /no profile named "c" \(profiles: a, b\)/);
  });

  it('expands variables and applies defaults', () => {
    const { dir, file } = profilesFile(
      one({
        name: 'p',
        command: '${workspaceFolder}/bin/py',
        args: ['--out', '${runDir}/o', '${run}', '${env:RL_TEST_VAR}'],
        env: { A: '${profileDir}' },
      }),
    );
    const pf = loadProfiles(file, '/ignored');
    assert.equal(pf.workspaceFolder, dir, 'the folder holding .rollout-lens/');
    const r = resolveProfile(pf.profiles[0]!, {
      workspaceFolder: dir,
      profileDir: path.dirname(file),
      run: 'r1',
      runDir: '/runs/r1',
      env: { RL_TEST_VAR: 'v' },
    });
    assert.deepEqual(
      {
        command: r.command,
        args: r.args,
        cwd: r.cwd,
        env: r.env,
        backend: r.backend,
        trainer: r.trainer,
        sigint: r.sigintMs,
        sigterm: r.sigtermMs,
        logMetrics: r.logMetrics,
      },
      {
        command: `${dir}/bin/py`,
        args: ['--out', '/runs/r1/o', 'r1', 'v'],
        cwd: dir,
        env: { A: path.dirname(file) },
        backend: 'local',
        trainer: 'native',
        sigint: 15000,
        sigterm: 10000,
        logMetrics: true,
      },
    );
    assert.deepEqual(r.outputs, []);
    assert.match(r.warnings[0]!, /^native: "outputs" is "auto"/);
  });

  it("finds the trainers' conventional outputs: TRL output_dir, verl rollout/validation dirs and file logger", () => {
    const ctx = {
      workspaceFolder: '/ws',
      profileDir: '/ws/.rollout-lens',
      run: 'r',
      runDir: '/ws/.rollout-lens/runs/r',
    };
    const trl = resolveProfile({ name: 't', command: 'python', trainer: 'trl', args: ['train.py', '--output_dir=out/grpo'] }, ctx);
    assert.deepEqual([trl.outputs, trl.format, trl.warnings], [['/ws/out/grpo'], 'trl', []]);
    const verl = resolveProfile(
      {
        name: 'v',
        command: 'python3',
        trainer: 'verl',
        args: ['-m', 'verl.trainer.main_ppo', 'trainer.rollout_data_dir=/data/rollouts', 'trainer.validation_data_dir=/data/val'],
        env: { VERL_FILE_LOGGER_PATH: '${runDir}/metrics.jsonl' },
      },
      ctx,
    );
    assert.deepEqual([verl.outputs, verl.format], [['/data/rollouts', '/data/val', '/ws/.rollout-lens/runs/r/metrics.jsonl'], 'verl']);
    const bare = resolveProfile({ name: 'v', command: 'python3', trainer: 'verl', args: [] }, ctx);
    assert.match(bare.warnings[0]!, /no trainer\.rollout_data_dir=/);
    assert.equal(argValue(['--output-dir', 'x'], ['output-dir']), 'x');
    assert.equal(commandLine({ command: 'python', args: ['-c', "print('hi')", 'a b'] }), `python -c 'print('\\''hi'\\'')' 'a b'`);
  });

  it('loads the sample run profiles shipped in examples/', () => {
    const pf = loadProfiles(path.join(ROOT, 'examples', 'sample-grpo', 'runs.json'), ROOT);
    assert.equal(pf.workspaceFolder, ROOT);
    assert.deepEqual(
      pf.profiles.map((p) => [p.name, p.backend ?? 'local']),
      [
        ['sample-grpo', 'local'],
        ['sample-grpo-trl-files', 'local'],
        ['sample-grpo-slurm', 'slurm'],
      ],
    );
    const runDir = path.join(ROOT, '.rollout-lens', 'runs', 'sample-grpo');
    const r = resolveProfile(pf.profiles[0]!, {
      workspaceFolder: ROOT,
      profileDir: path.dirname(pf.file),
      run: 'sample-grpo',
      runDir,
    });
    assert.equal(r.command, path.join(ROOT, '.venv', 'sample-grpo', 'bin', 'python'));
    assert.deepEqual(r.outputs, [path.join(runDir, 'output')]);
    const trlFiles = resolveProfile(pf.profiles[1]!, {
      workspaceFolder: ROOT,
      profileDir: path.dirname(pf.file),
      run: 'x',
      runDir: '/r',
    });
    assert.deepEqual([trlFiles.outputs, trlFiles.format], [['/r/output'], 'trl']);
  });

  it('ships a JSON schema that matches the loader on the sample file', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'runs.schema.json'), 'utf8')) as {
      definitions: { profile: { properties: Record<string, unknown>; required: string[] } };
    };
    assert.deepEqual(schema.definitions.profile.required, ['name', 'command']);
    const sample = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'sample-grpo', 'runs.json'), 'utf8')) as {
      profiles: Array<Record<string, unknown>>;
    };
    const known = new Set(Object.keys(schema.definitions.profile.properties));
    for (const p of sample.profiles) for (const k of Object.keys(p)) assert.ok(known.has(k), `schema lacks ${k}`);
  });
});
