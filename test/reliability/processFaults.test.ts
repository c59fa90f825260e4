// Process faults (issue 9.3) through the real forked engine, as the extension runs it: the engine
// killed during a re-score (the set is marked incomplete and resumes), and the engine killed while
// a run trains (what a window reload does): the next engine reattaches, and nothing is ingested twice.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { groupMembers } from '../../src/core/runs/procfs';
import { EngineClient, type EngineLogger } from '../../src/extension/engineClient';
import { EngineMethods } from '../../src/shared/protocol/engine';
import { RunMethods } from '../../src/shared/protocol/runs';
import { digestRun } from '../dbcheck';
import { ROOT, nativeRows, runCliJson, sleep, tempDir, waitFor, writeJsonl } from '../helpers';

const silent: EngineLogger = { info: () => {}, warn: () => {}, error: () => {}, trace: () => {} };

function engine(db: string): EngineClient {
  return new EngineClient({
    enginePath: path.join(ROOT, 'dist', 'engine.js'),
    dbPath: db,
    log: silent,
    nodePath: process.execPath,
    settings: { trusted: true },
  });
}

describe('process faults', () => {
  it('the engine killed during a re-score: the set is marked incomplete, and running it again completes it', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'a.db');
    writeJsonl(path.join(dir, 'r.jsonl'), nativeRows({ steps: 40, prompts: 8, g: 4 }));
    runCliJson(['ingest', path.join(dir, 'r.jsonl'), '--db', db, '--run', 'r']);
    // A slow judge: 5 ms a sample, so 1,280 samples (5 batches of 256) take several seconds.
    const judge = path.join(dir, 'judge.py');
    fs.writeFileSync(
      judge,
      'import json, sys, time\nfor line in sys.stdin:\n    req = json.loads(line)\n    time.sleep(0.005)\n' +
        '    print(json.dumps({"id": req["id"], "score": len(req["response"]) % 2}), flush=True)\n',
    );
    const spec = `external(command="python3 ${judge}")`;
    const first = engine(db);
    const rescore = first.request(EngineMethods.rescore, { run: 'r', spec, baseDir: dir });
    rescore.catch(() => undefined);
    await waitFor(
      () => {
        const s = fs.existsSync(db)
          ? (runCliJson<Array<{ scored: number }>>(['rescore-sets', '--db', db, '--run', 'r'])[0]?.scored ?? 0)
          : 0;
        return s > 0;
      },
      20_000,
      'the re-score to store its first batch',
    );
    process.kill(first.pid!, 'SIGKILL');
    await assert.rejects(rescore, /the engine \(pid \d+\) stopped/);
    first.dispose();

    const second = engine(db);
    try {
      const sets = await second.request(EngineMethods.rescoreSets, { run: 'r' });
      assert.equal(sets.length, 1);
      assert.equal(sets[0]!.status, 'incomplete');
      assert.equal(sets[0]!.reason, 'interrupted: the process ended while scoring');
      assert.ok(sets[0]!.scored > 0 && sets[0]!.scored < 1280, `scored ${sets[0]!.scored}`);
      const again = await second.request(EngineMethods.rescore, { run: 'r', spec, baseDir: dir });
      assert.deepEqual([again.set, again.status, again.resumed, again.scored, again.samples], [sets[0]!.id, 'complete', true, 1280, 1280]);
    } finally {
      second.dispose();
    }
    // The judge ran in its own process group under the killed engine: it must not outlive it.
    await waitFor(() => spawnSync('pgrep', ['-f', judge]).status !== 0, 10_000, 'the judge process to end');
  });

  it('the engine killed while a run trains (a window reload): the next engine reattaches and ingests each sample once', async () => {
    const ws = tempDir('rl-reload-');
    const db = path.join(ws, 'lens.db');
    // A trainer that writes 6 steps of native rollouts, one step every 400 ms, then exits 0.
    const trainer = path.join(ws, 'train.js');
    const rows = nativeRows({ steps: 6, prompts: 3, g: 4 }).map((r, i) => ({ ...r, index: i % 4 }));
    fs.writeFileSync(path.join(ws, 'rows.json'), JSON.stringify(rows));
    fs.writeFileSync(
      trainer,
      `const fs=require('fs');const rows=require(${JSON.stringify(path.join(ws, 'rows.json'))});fs.mkdirSync(process.argv[2],{recursive:true});` +
        `let s=1;const t=setInterval(()=>{const out=rows.filter(r=>r.step===s).map(r=>JSON.stringify(r)+'\\n').join('');` +
        `fs.appendFileSync(process.argv[2]+'/rollouts.jsonl',out);console.log('step '+s);if(++s>6){clearInterval(t);}},400);`,
    );
    fs.mkdirSync(path.join(ws, '.rollout-lens'));
    fs.writeFileSync(
      path.join(ws, '.rollout-lens', 'runs.json'),
      JSON.stringify({
        version: 1,
        profiles: [
          {
            name: 'live',
            backend: 'local',
            trainer: 'native',
            command: process.execPath,
            args: [trainer, '${runDir}/out'],
            outputs: { paths: ['${runDir}/out'], format: 'native' },
          },
        ],
      }),
    );
    const first = engine(db);
    const launched = await first.request(RunMethods.launch, { workspace: ws, profile: 'live' });
    await sleep(1100);
    process.kill(first.pid!, 'SIGKILL');
    first.dispose();
    await sleep(300);
    const second = engine(db);
    try {
      await second.request(EngineMethods.ping, {});
      let status = (await second.request(RunMethods.status, { run: 'live' }))[0]!;
      const t0 = Date.now();
      while ((status.state === 'running' || status.following) && Date.now() - t0 < 20_000) {
        await sleep(200);
        status = (await second.request(RunMethods.status, { run: 'live' }))[0]!;
      }
      assert.equal(status.state, 'succeeded');
      assert.equal(status.exitCode, 0);
      await sleep(500);
    } finally {
      second.dispose();
    }
    const clean = path.join(tempDir(), 'clean.db');
    runCliJson(['ingest', path.join(ws, '.rollout-lens', 'runs', 'live', 'out'), '--db', clean, '--run', 'live']);
    const expected = digestRun(clean, 'live');
    assert.equal(expected.samples, 72);
    assert.deepEqual(digestRun(db, 'live'), expected);
    assert.deepEqual(launched.pid === null ? [] : groupMembers(launched.pid), []);
  });
});
