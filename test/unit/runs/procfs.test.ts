import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { groupMembers, isAlive, parseStat, readStat, runProcesses } from '../../../src/core/runs/procfs';
import { waitFor } from '../../helpers';

describe('/proc reading', () => {
  it('parses a stat line whose command name holds spaces and parentheses', () => {
    const line = '4242 (my (odd) trainer) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 100 18446744073709551615';
    assert.deepEqual(parseStat(line), {
      pid: 4242,
      comm: 'my (odd) trainer',
      state: 'S',
      ppid: 1,
      pgrp: 4242,
      session: 4242,
      startTime: 987654,
    });
    assert.equal(parseStat('garbage'), null);
  });

  it('tells this process alive only with its own start time', () => {
    const me = readStat(process.pid)!;
    assert.equal(isAlive(process.pid, me.startTime), true);
    assert.equal(isAlive(process.pid, me.startTime + 1), false);
    assert.equal(isAlive(2 ** 22 + 12345), false);
  });

  it('finds a detached group and the descendants of its members', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    const pgid = child.pid!;
    try {
      await waitFor(() => groupMembers(pgid).length === 3, 5000, 'the shell and its two sleeps');
      const procs = runProcesses(pgid);
      assert.equal(procs.size, 3);
      assert.ok(procs.has(pgid));
    } finally {
      process.kill(-pgid, 'SIGKILL');
    }
    await waitFor(() => groupMembers(pgid).length === 0, 5000, 'the group to be gone');
  });
});
