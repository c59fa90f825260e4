import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createScorer, type Scorer } from '../../../src/core/rewards/scorer';
import { parseRewardSpec } from '../../../src/core/rewards/spec';
import type { RewardInput } from '../../../src/core/rewards/types';
import { ErrorCode, LensError } from '../../../src/shared/errors';
import { ROOT, sleep, tempDir, waitFor } from '../../helpers';

const ADAPTER = path.join(ROOT, 'python', 'rollout_lens_reward', 'adapter.py');
const dir = tempDir('rl-ext-');

const sample = (id: string, response: string, ground_truth = '4'): RewardInput => ({
  id,
  prompt: 'What is 2+2?',
  response,
  ground_truth,
  data_source: 'toy',
  extra: { step: 1 },
});

function writeScript(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

async function withScorer<T>(spec: object, f: (s: Scorer) => Promise<T>): Promise<T> {
  const scorer = await createScorer(parseRewardSpec(spec, { baseDir: dir }), { trusted: true, baseDir: dir });
  try {
    return await f(scorer);
  } finally {
    await scorer.dispose();
  }
}

const external = (command: string[], extra: Record<string, unknown> = {}): object => ({
  terms: [{ fn: 'external', config: { command, ...extra } }],
});

/** Running, not merely unreaped: a killed orphan stays a zombie until the container's init reaps it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** A JSON-lines server in Python that misbehaves on cue: "exit", "hang", "text" and "spawn" responses. */
const TOY_SERVER = `
import json, os, subprocess, sys, time
with open(sys.argv[1], "a") as f: f.write(f"{os.getpid()}\\n")
for line in sys.stdin:
    req = json.loads(line)
    r = req["response"]
    if r == "exit":
        print("fatal: the judge model could not be loaded", file=sys.stderr, flush=True)
        sys.exit(3)
    if r == "hang":
        time.sleep(60)
    if r == "text":
        print("hello, I am not JSON", flush=True)
        continue
    if r == "spawn":
        child = subprocess.Popen(["sleep", "60"])
        with open(sys.argv[1], "a") as f: f.write(f"{child.pid}\\n")
    print(json.dumps({"id": req["id"], "score": float(len(r)), "rationale": "length"}), flush=True)
`;

describe('external command reward: the Python adapter around a verl compute_score', () => {
  it('scores through compute_score, keeping dict extras as components and stdout prints out of the protocol', async () => {
    const reward = writeScript(
      'my_reward.py',
      `def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    print("debug output that must not reach the protocol")
    if solution_str == "boom":
        raise ValueError("cannot grade this one")
    if data_source != "toy" or extra_info.get("step") != 1:
        return -100
    ok = solution_str.strip().endswith(ground_truth)
    return {"score": 1.0 if ok else -1.0, "acc": ok, "pred": solution_str.strip()[-1:]}
`,
    );
    await withScorer(external(['python3', ADAPTER, '--file', reward]), async (s) => {
      const out = await s.score([sample('a', 'so it is 4'), sample('b', 'so it is 5'), sample('c', 'boom')]);
      assert.deepEqual(out[0], { score: 1, components: { acc: 1 }, extracted: '4' });
      assert.deepEqual(out[1], { score: -1, components: { acc: 0 }, extracted: '5' });
      assert.equal(out[2]!.score, null);
      assert.match(out[2]!.error!, /^external: ValueError: cannot grade this one$/);
    });
  });

  it('accepts a plain float and reports a missing function clearly', async () => {
    const plain = writeScript(
      'plain.py',
      'def compute_score(data_source, solution_str, ground_truth, extra_info=None):\n    return 0.25\n',
    );
    await withScorer(external(['python3', ADAPTER, '--file', plain]), async (s) => {
      assert.deepEqual(await s.score([sample('a', 'x')]), [{ score: 0.25 }]);
    });
    await withScorer(external(['python3', ADAPTER, '--file', plain, '--function', 'score_it'], { maxRestarts: 0 }), async (s) => {
      await assert.rejects(
        s.score([sample('a', 'x')]),
        (e: unknown) => e instanceof LensError && /defines no function 'score_it'/.test(e.message),
      );
    });
  });
});

describe('external command reward: failures', () => {
  const server = writeScript('toy_server.py', TOY_SERVER);
  const cmd = (pids: string): string[] => ['python3', server, pids];

  it('blames a crash on the sample being scored, restarts, and scores the rest', async () => {
    const pids = path.join(dir, 'crash.pids');
    await withScorer(external(cmd(pids), { maxRestarts: 2 }), async (s) => {
      const out = await s.score([sample('a', 'ab'), sample('b', 'exit'), sample('c', 'abc')]);
      assert.deepEqual([out[0]!.score, out[1]!.score, out[2]!.score], [2, null, 3]);
      assert.match(
        out[1]!.error!,
        /exited with code 3 while scoring this sample; its stderr ends: fatal: the judge model could not be loaded/,
      );
    });
    assert.equal(fs.readFileSync(pids, 'utf8').trim().split('\n').length, 2);
  });

  it('gives up after maxRestarts with the stderr tail in the error', async () => {
    await withScorer(external(cmd(path.join(dir, 'giveup.pids')), { maxRestarts: 1 }), async (s) => {
      await assert.rejects(s.score([sample('a', 'exit'), sample('b', 'exit')]), (e: unknown) => {
        assert.ok(e instanceof LensError);
        assert.match(
          e.message,
          /exited with code 3, and it was restarted 1 times already; its stderr ends: fatal: the judge model could not be loaded/,
        );
        return true;
      });
    });
  });

  it('times out a hung sample, kills the hung process and goes on', async () => {
    const pids = path.join(dir, 'hang.pids');
    await withScorer(external(cmd(pids), { timeoutMs: 400 }), async (s) => {
      const out = await s.score([sample('a', 'hang'), sample('b', 'abcd')]);
      assert.equal(out[0]!.score, null);
      assert.match(out[0]!.error!, /no answer within 400 ms/);
      assert.equal(out[1]!.score, 4);
    });
    const [hung] = fs.readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    await waitFor(() => !alive(hung!), 2000, 'the hung process to be killed');
  });

  it('stops on a line that is not JSON, quoting it', async () => {
    await withScorer(external(cmd(path.join(dir, 'text.pids'))), async (s) => {
      await assert.rejects(s.score([sample('a', 'text')]), (e: unknown) => {
        assert.ok(e instanceof LensError);
        assert.equal(e.code, ErrorCode.BadInput);
        assert.match(e.message, /printed a line that is not JSON: "hello, I am not JSON"/);
        return true;
      });
    });
  });

  it('leaves no process behind: dispose ends the whole process group', async () => {
    const pids = path.join(dir, 'spawn.pids');
    await withScorer(external(cmd(pids)), async (s) => {
      assert.equal((await s.score([sample('a', 'spawn')]))[0]!.score, 5);
      const all = fs.readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      assert.equal(all.length, 2);
      assert.ok(all.every(alive));
    });
    const all = fs.readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    await waitFor(() => !all.some(alive), 3000, 'the server and its grandchild to exit');
  });

  it('reports a program that does not exist without restarting it', async () => {
    await withScorer(external(['/nonexistent/judge']), async (s) => {
      await assert.rejects(
        s.score([sample('a', 'x')]),
        (e: unknown) => e instanceof LensError && e.code === ErrorCode.NotFound && /could not be started.*ENOENT/.test(e.message),
      );
    });
  });

  it('keeps answers in order when many requests are in flight', async () => {
    await withScorer(external(cmd(path.join(dir, 'many.pids')), { inflight: 16 }), async (s) => {
      const inputs = Array.from({ length: 100 }, (_, i) => sample(`s${i}`, 'x'.repeat(i % 7)));
      const out = await s.score(inputs);
      assert.deepEqual(
        out.map((o) => o.score),
        inputs.map((x) => x.response.length),
      );
    });
    await sleep(0);
  });
});
