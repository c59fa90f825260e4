// The symbolic equality stage (docs/rewards.md#math): @cortex-js/compute-engine in a worker
// thread, so a pathological expression hits a per-comparison time limit instead of freezing the
// re-score. It approximates Python's sympy / math_verify and is labelled so in every result.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ErrorCode, LensError, errorMessage } from '../../../shared/errors';

export type SymbolicHow =
  'same' | 'isEqual' | 'difference' | 'numeric' | 'rounded' | 'sampled' | 'ratio' | 'different' | 'unparseable' | 'timeout' | 'error';

export interface SymbolicVerdict {
  equal: boolean;
  how: SymbolicHow;
  /** mv-ratio: the constant factor, or null when there is none. */
  value?: number | null;
}

export interface SymbolicChecker {
  equal(a: string, b: string): Promise<SymbolicVerdict>;
  dispose(): Promise<void>;
}

// Plain JS (not TS) so it runs the same under tsx and from the esbuild bundle. compute-engine's
// CommonJS build exposes nothing through module.exports (0.27), but registers itself on a global.
// compute-engine reports its own internal slips (e.g. "Invalid type | tuple<…>" while simplifying a
// tuple that holds a function) with console.error and carries on; they are not our failures and
// must not reach the user's terminal, so the worker's console is silenced before the library loads.
// Real failures (the library cannot load, the worker dies, a time limit) come back as one-line errors.
const WORKER_SOURCE = `
for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'assert', 'dir', 'table'])
  console[k] = () => {};
const { parentPort, workerData } = require('node:worker_threads');
let ce = null, loadError = null;
try {
  require(workerData.enginePath);
  const g = globalThis[Symbol.for('io.cortexjs.compute-engine')];
  ce = new g.ComputeEngine();
} catch (e) { loadError = String((e && e.message) || e).replace(/\\s+/g, ' ').trim(); }
const close = (x, y) => x === y || Math.abs(x - y) <= 1e-4 * Math.max(Math.abs(x), Math.abs(y));
function numeric(x) {
  try {
    const n = x.N();
    const re = n.re, im = typeof n.im === 'number' && !Number.isNaN(n.im) ? n.im : 0;
    return typeof re === 'number' && Number.isFinite(re) ? [re, im] : null;
  } catch { return null; }
}
function compare(a, b) {
  const A = ce.parse(a), B = ce.parse(b);
  if (!A.isValid || !B.isValid) return ['unparseable', false];
  if (A.isSame(B)) return ['same', true];
  if (A.isEqual(B) === true) return ['isEqual', true];
  try { if (ce.box(['Subtract', A, B]).simplify().is(0)) return ['difference', true]; } catch {}
  const x = numeric(A), y = numeric(B);
  if (x && y && close(x[0], y[0]) && close(x[1], y[1])) return ['numeric', true];
  return ['different', false];
}
// Math-Verify's leaf rules (grader.py sympy_numeric_eq / sympy_symbolic_eq): two constants are
// compared rounded to \`rounding\` decimals when one side is a plain float, else to ~15 digits;
// expressions by simplify(a − b) = 0, then by agreeing at random points (approximate).
function sample(A, B) {
  const names = [...new Set([...A.unknowns, ...B.unknowns])];
  if (names.length === 0) return false;
  for (let t = 0; t < 4; t++) {
    const sub = {};
    names.forEach((n, i) => { sub[n] = ce.number(0.37 + 0.61 * ((t * 7 + i * 3) % 5) + 0.113 * t); });
    const x = numeric(A.subs(sub)), y = numeric(B.subs(sub));
    if (!x || !y) return false;
    const scale = Math.max(1, Math.abs(x[0]), Math.abs(y[0]));
    if (Math.abs(x[0] - y[0]) > 1e-9 * scale || Math.abs(x[1] - y[1]) > 1e-9 * scale) return false;
  }
  return true;
}
function mvLeaf(a, b, rounding, strict) {
  const A = ce.parse(a);
  let B = ce.parse(b);
  if (!A.isValid || !B.isValid) return ['unparseable', false];
  if (!strict) {
    const sa = [...A.unknowns].sort(), sb = [...B.unknowns].sort();
    if (sa.length === sb.length && sa.length > 0) {
      const sub = {};
      sb.forEach((n, i) => { sub[n] = ce.symbol(sa[i]); });
      B = B.subs(sub);
    }
  }
  // sympy refuses to compare zoo or nan (12:00 is 12/0): never equal.
  const undefinedValue = (X) => { try { return /ComplexInfinity|NaN/.test(X.N().toString()); } catch { return false; } };
  if (undefinedValue(A) || undefinedValue(B)) return ['different', false];
  if (A.isSame(B)) return ['same', true];
  if (A.unknowns.length === 0 && B.unknowns.length === 0) {
    const x = numeric(A), y = numeric(B);
    if (!x || !y) return ['different', false];
    if (rounding !== null) {
      const r = (v) => Math.round(v * 10 ** rounding) / 10 ** rounding;
      return r(x[0]) === r(y[0]) && r(x[1]) === r(y[1]) ? ['rounded', true] : ['different', false];
    }
    const scale = Math.max(1, Math.abs(x[0]), Math.abs(y[0]));
    const same = Math.abs(x[0] - y[0]) <= 1e-12 * scale && Math.abs(x[1] - y[1]) <= 1e-12 * scale;
    return same ? ['numeric', true] : ['different', false];
  }
  try { if (ce.box(['Subtract', A, B]).simplify().is(0)) return ['difference', true]; } catch {}
  if (sample(A, B)) return ['sampled', true];
  return ['different', false];
}
// a / b when it is the same nonzero constant at random points (equations equal up to a factor).
function mvRatio(a, b) {
  const A = ce.parse(a), B = ce.parse(b);
  if (!A.isValid || !B.isValid) return null;
  const names = [...new Set([...A.unknowns, ...B.unknowns])];
  let k = null;
  for (let t = 0; t < 4; t++) {
    const sub = {};
    names.forEach((n, i) => { sub[n] = ce.number(0.29 + 0.53 * ((t * 5 + i * 3) % 7) + 0.071 * t); });
    const x = numeric(A.subs(sub)), y = numeric(B.subs(sub));
    if (!x || !y || y[0] === 0 || x[1] !== 0 || y[1] !== 0) return null;
    const r = x[0] / y[0];
    if (k === null) k = r;
    else if (Math.abs(r - k) > 1e-9 * Math.max(1, Math.abs(k))) return null;
  }
  return k === 0 ? null : k;
}
parentPort.on('message', (m) => {
  if (loadError) { parentPort.postMessage({ id: m.id, fatal: loadError }); return; }
  try {
    if (m.op === 'mv-num') {
      const A = ce.parse(m.a), x = A.isValid && A.unknowns.length === 0 ? numeric(A) : null;
      parentPort.postMessage({ id: m.id, how: 'numeric', equal: false, value: x ? x[0] : null }); return;
    }
    if (m.op === 'mv-ratio') { parentPort.postMessage({ id: m.id, how: 'ratio', equal: false, value: mvRatio(m.a, m.b) }); return; }
    const [how, equal] = m.op === 'mv-leaf' ? mvLeaf(m.a, m.b, m.rounding, m.strict) : compare(m.a, m.b);
    parentPort.postMessage({ id: m.id, how, equal });
  }
  catch (e) { parentPort.postMessage({ id: m.id, how: 'error', equal: false }); }
});
`;

/** What the worker can be asked: Qwen-style equality, or one of Math-Verify's leaf checks. */
export type SymbolicRequest =
  { op: 'math' } | { op: 'mv-leaf'; rounding: number | null; strict: boolean } | { op: 'mv-ratio' } | { op: 'mv-num' };

interface Job {
  id: number;
  a: string;
  b: string;
  req: SymbolicRequest;
  resolve: (v: SymbolicVerdict) => void;
  reject: (e: unknown) => void;
}

interface Reply {
  id: number;
  how?: SymbolicHow;
  equal?: boolean;
  fatal?: string;
  value?: number | null;
}

const CACHE_LIMIT = 50_000;

function enginePath(): string {
  try {
    return createRequire(__filename).resolve('@cortex-js/compute-engine');
  } catch (e) {
    throw new LensError(
      ErrorCode.NotFound,
      `the symbolic equality stage needs the npm package @cortex-js/compute-engine, which could not be found (${errorMessage(e)}); ` +
        `reinstall Rollout Lens, or turn the stage off (symbolic=false in a reward spec, --no-symbolic for grade)`,
    );
  }
}

/** One worker, one comparison at a time; a comparison past `timeoutMs` counts as not equal. */
export class WorkerSymbolicChecker implements SymbolicChecker {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;
  private readonly cache = new Map<string, SymbolicVerdict>();
  private readonly path: string;
  private disposed = false;

  constructor(private readonly timeoutMs: number) {
    this.path = enginePath();
  }

  equal(a: string, b: string): Promise<SymbolicVerdict> {
    return this.ask(a, b, { op: 'math' });
  }

  ask(a: string, b: string, req: SymbolicRequest): Promise<SymbolicVerdict> {
    const key = `${JSON.stringify(req)}\u0000${a}\u0000${b}`;
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    if (this.disposed) return Promise.reject(new LensError(ErrorCode.Internal, 'symbolic checker used after dispose'));
    return new Promise<SymbolicVerdict>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        a,
        b,
        req,
        resolve: (v) => {
          if (v.how !== 'timeout' && v.how !== 'error') {
            if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
            this.cache.set(key, v);
          }
          resolve(v);
        },
        reject,
      });
      this.pump();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { enginePath: this.path } });
    // Each pending comparison holds a timer, which keeps the process alive; an idle worker must not.
    w.unref();
    w.on('message', (m: Reply) => this.onReply(w, m));
    w.on('error', (e) => this.onWorkerGone(w, `the symbolic worker failed: ${errorMessage(e).replace(/\s+/g, ' ')}`));
    w.on('exit', () => this.onWorkerGone(w, 'the symbolic worker exited'));
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.current || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    const w = this.ensureWorker();
    const timer = setTimeout(() => {
      // The worker is stuck in compute-engine: the only way out is to end it; the next job starts a fresh one.
      this.current = undefined;
      this.worker = undefined;
      void w.terminate();
      job.resolve({ equal: false, how: 'timeout' });
      this.pump();
    }, this.timeoutMs);
    this.current = { job, timer };
    w.postMessage({ id: job.id, a: job.a, b: job.b, ...job.req });
  }

  private onReply(w: Worker, m: Reply): void {
    if (w !== this.worker || !this.current || this.current.job.id !== m.id) return;
    const { job, timer } = this.current;
    clearTimeout(timer);
    this.current = undefined;
    if (m.fatal !== undefined) {
      job.reject(new LensError(ErrorCode.Internal, `the symbolic equality stage could not load @cortex-js/compute-engine: ${m.fatal}`));
      for (const j of this.queue.splice(0)) j.reject(new LensError(ErrorCode.Internal, `symbolic stage unavailable: ${m.fatal}`));
      return;
    }
    job.resolve({ equal: m.equal === true, how: m.how ?? 'error', ...(m.value !== undefined ? { value: m.value } : {}) });
    this.pump();
  }

  private onWorkerGone(w: Worker, why: string): void {
    if (w !== this.worker) return;
    this.worker = undefined;
    if (this.current) {
      const { job, timer } = this.current;
      clearTimeout(timer);
      this.current = undefined;
      if (!this.disposed) job.reject(new LensError(ErrorCode.Internal, why));
    }
    this.pump();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.job.reject(new LensError(ErrorCode.Cancelled, 'symbolic checker disposed'));
      this.current = undefined;
    }
    for (const j of this.queue.splice(0)) j.reject(new LensError(ErrorCode.Cancelled, 'symbolic checker disposed'));
    if (w) await w.terminate();
  }
}
