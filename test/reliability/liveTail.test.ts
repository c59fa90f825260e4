// Exactly-once while a trainer writes (issue 9.1): `ingest --follow` tails a folder whose files get
// partial last lines, an in-place rewrite, a truncate-and-rewrite and a rename, while the follower
// itself is killed with SIGKILL and restarted. The result equals a clean ingest of the final files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { digestRun } from '../dbcheck';
import { nativeRows, prng, runCliJson, sleep, spawnCli, tempDir } from '../helpers';

function lines(step0: number, steps: number, tag: string): string[] {
  return nativeRows({ steps, prompts: 4, g: 4, seed: step0 })
    .map((r) => ({ ...r, step: r.step + step0, group: `${tag}-${r.group}` }))
    .map((r) => JSON.stringify(r) + '\n');
}

describe('following a folder a trainer writes, through faults', () => {
  it('stores each sample once: partial lines, rewrite in place, truncate + rewrite, rename, follower killed', async () => {
    const dir = tempDir('rl-tail-');
    const src = path.join(dir, 'out');
    fs.mkdirSync(src);
    const db = path.join(dir, 'followed.db');
    const rand = prng(9);
    const a = lines(0, 6, 'a'); // appended in random-sized chunks that split lines
    const b = lines(100, 3, 'b'); // written, then rewritten in place, then truncated and rewritten
    const c = lines(200, 4, 'c'); // written, then renamed and appended to under its new name
    const aText = a.join('');
    let aAt = 0;
    let follower = spawnCli(['ingest', src, '--db', db, '--run', 'live', '--follow', '--poll-ms', '40']);
    const restart = async (): Promise<void> => {
      follower.kill('SIGKILL');
      await new Promise((r) => (follower.exitCode !== null || follower.signalCode !== null ? r(null) : follower.once('exit', r)));
      follower = spawnCli(['ingest', src, '--db', db, '--run', 'live', '--follow', '--poll-ms', '40']);
    };
    fs.writeFileSync(path.join(src, 'b.jsonl'), b.join(''));
    fs.writeFileSync(path.join(src, 'c.jsonl'), c.slice(0, 2).join(''));
    for (let round = 0; aAt < aText.length; round++) {
      const n = 50 + Math.floor(rand() * 900);
      fs.appendFileSync(path.join(src, 'a.jsonl'), aText.slice(aAt, aAt + n));
      aAt += n;
      await sleep(20 + Math.floor(rand() * 60));
      if (round === 6) fs.writeFileSync(path.join(src, 'b.jsonl'), b.join('')); // same bytes, rewritten in place
      if (round === 10) fs.writeFileSync(path.join(src, 'b.jsonl'), b.slice(0, 5).join('')); // truncated…
      if (round === 13) fs.writeFileSync(path.join(src, 'b.jsonl'), b.join('')); // …and rewritten
      if (round === 16) fs.renameSync(path.join(src, 'c.jsonl'), path.join(src, 'c-renamed.jsonl'));
      if (round === 18) fs.appendFileSync(path.join(src, 'c-renamed.jsonl'), c.slice(2).join(''));
      if (round % 7 === 3) await restart();
    }
    await sleep(400);
    follower.kill('SIGINT'); // a clean stop drains once more
    const code = await new Promise<number | null>((r) => follower.once('exit', (c) => r(c)));
    assert.equal(code, 0);

    const clean = path.join(dir, 'clean.db');
    runCliJson(['ingest', src, '--db', clean, '--run', 'live']);
    const expected = digestRun(clean, 'live');
    assert.equal(expected.samples, a.length + b.length + c.length);
    assert.deepEqual(digestRun(db, 'live'), expected);
  });
});
