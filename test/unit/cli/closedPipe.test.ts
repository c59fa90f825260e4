// A reader that stops early (`| head`) must not make the CLI print a stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLI, nativeRows, runCliJson, tempDir, writeJsonl } from '../../helpers';

describe('CLI output into a pipe that closes early', () => {
  it('prompt, export and stats exit 0 with nothing on stderr when head stops reading', () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.jsonl');
    // Enough output to outgrow the pipe's 64 KiB buffer, so writes happen after head has exited.
    writeJsonl(file, nativeRows({ steps: 60, prompts: 8, g: 8 }));
    const db = path.join(dir, 'a.db');
    runCliJson(['ingest', file, '--db', db, '--run', 'r']);
    const commands = [
      `prompt --db ${db} --run r --text 'What is 3+0?'`,
      `export --db ${db} --run r --format jsonl`,
      `stats --db ${db} --run r --json`,
    ];
    for (const cmd of commands) {
      const r = spawnSync(
        'bash',
        ['-c', `"${process.execPath}" "${CLI}" ${cmd} 2>"${dir}/err" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"; cat "${dir}/err"`],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(r.stdout, '0\n', `rollout-lens ${cmd.split(' ')[0]}: exit status and stderr`);
    }
  });
});
