// Test data builders and process helpers shared by the unit, contract and CLI tests.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RpcMessage, Transport } from '../src/shared/protocol/rpc';
import type { NativeRollout } from '../src/shared/rollout';

export const ROOT = path.resolve(__dirname, '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(prefix = 'rl-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A small deterministic PRNG (mulberry32) so generated data is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** G samples per prompt, `prompts` prompts per step: a native rollout set with known rewards. */
export function nativeRows(opts: { steps: number; prompts: number; g: number; seed?: number; withIds?: boolean }): NativeRollout[] {
  const rand = prng(opts.seed ?? 1);
  const rows: NativeRollout[] = [];
  for (let step = 1; step <= opts.steps; step++) {
    for (let p = 0; p < opts.prompts; p++) {
      for (let i = 0; i < opts.g; i++) {
        const correct = rand() < 0.4;
        const response = `Let me think. ${'x'.repeat(Math.floor(rand() * 40))} The answer is ${correct ? p : p + 1}.`;
        const row: NativeRollout = {
          step,
          group: `s${step}-p${p}`,
          prompt: `What is ${p}+0?`,
          response,
          reward: correct ? 1 : 0,
          correct,
          components: { correctness: correct ? 1 : 0, format: 0 },
          finish_reason: rand() < 0.1 ? 'length' : 'stop',
        };
        if (opts.withIds) {
          row.response_ids = response.split(' ').map((w) => w.length);
          row.logprobs = row.response_ids.map((x) => -x / 10);
        }
        rows.push(row);
      }
    }
  }
  return rows;
}

export function writeJsonl(file: string, rows: readonly unknown[]): void {
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    input: opts.input,
    timeout: 120_000,
    maxBuffer: 256 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runCliJson<T>(args: string[]): T {
  const r = runCli([...args, '--json']);
  if (r.code !== 0) throw new Error(`rollout-lens ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Starts the CLI without waiting; for kill -9 tests. */
export function spawnCli(args: string[]): ReturnType<typeof spawn> {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `cond()` is true, checking every 20 ms, failing after `timeoutMs`. */
/** Two JSON-RPC transports wired to each other, delivering asynchronously and as JSON, like IPC does. */
export function transportPair(): [Transport, Transport] {
  const handlers: Array<(m: unknown) => void> = [];
  const make = (me: number): Transport => ({
    send: (m: RpcMessage) => setImmediate(() => handlers[1 - me]?.(JSON.parse(JSON.stringify(m)))),
    onMessage: (h) => {
      handlers[me] = h;
    },
  });
  return [make(0), make(1)];
}

/** Timers driven by the test (`advance`), so scheduling rules are checked without sleeping. */
export function manualTimers(): {
  timers: { set(fn: () => void, ms: number): unknown; clear(h: unknown): void };
  advance(ms: number): void;
  readonly pending: number;
} {
  let now = 0;
  let next = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    timers: {
      set: (fn, ms) => {
        due.set(++next, { at: now + ms, fn });
        return next;
      },
      clear: (h) => void due.delete(h as number),
    },
    advance(ms) {
      now += ms;
      for (const [id, t] of [...due].sort((a, b) => a[1].at - b[1].at || a[0] - b[0])) {
        if (t.at > now || !due.has(id)) continue;
        due.delete(id);
        t.fn();
      }
    },
    get pending() {
      return due.size;
    },
  };
}

/** Lets promise callbacks that are ready run (no time passes). */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
