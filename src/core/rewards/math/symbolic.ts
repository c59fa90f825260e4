// The symbolic equality stage (docs/rewards.md#math): @cortex-js/compute-engine in a worker
// thread, so a pathological expression hits a per-comparison time limit instead of freezing the
// re-score. It approximates Python's sympy / math_verify and is labelled so in every result.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ErrorCode, LensError, errorMessage } from '../../../shared/errors';

export type SymbolicHow =
  'same' | 'isEqual' | 'difference' | 'numeric' | 'different' | 'unparseable' | 'timeout' | 'error';

export interface SymbolicVerdict {
  equal: boolean;
  how: SymbolicHow;
}

export interface SymbolicChecker {
  equal(a: string, b: string): Promise<SymbolicVerdict>;
  dispose(): Promise<void>;
}

// Plain JS (not TS) so it runs the same under tsx and from the esbuild bundle. compute-engine's
// CommonJS build exposes nothing through module.exports (0.27), but registers itself on a global.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let ce = null, loadError = null;
try {
  require(workerData.enginePath);
  const g = globalThis[Symbol.for('io.cortexjs.compute-engine')];
  ce = new g.ComputeEngine();
} catch (e) { loadError = String((e && e.message) || e); }
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
parentPort.on('message', (m) => {
  if (loadError) { parentPort.postMessage({ id: m.id, fatal: loadError }); return; }
  try { const [how, equal] = compare(m.a, m.b); parentPort.postMessage({ id: m.id, how, equal }); }
  catch (e) { parentPort.postMessage({ id: m.id, how: 'error', equal: false }); }
});
`;

interface Job {
  id: number;
  a: string;
  b: string;
  resolve: (v: SymbolicVerdict) => void;
  reject: (e: unknown) => void;
}

interface Reply {
  id: number;
  how?: SymbolicHow;
  equal?: boolean;
  fatal?: string;
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
    const key = `${a}\u0000${b}`;
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    if (this.disposed)
      return Promise.reject(new LensError(ErrorCode.Internal, 'symbolic checker used after dispose'));
    return new Promise<SymbolicVerdict>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        a,
        b,
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
    w.on('error', (e) => this.onWorkerGone(w, `the symbolic worker failed: ${errorMessage(e)}`));
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
    w.postMessage({ id: job.id, a: job.a, b: job.b });
  }

  private onReply(w: Worker, m: Reply): void {
    if (w !== this.worker || !this.current || this.current.job.id !== m.id) return;
    const { job, timer } = this.current;
    clearTimeout(timer);
    this.current = undefined;
    if (m.fatal !== undefined) {
      job.reject(
        new LensError(
          ErrorCode.Internal,
          `the symbolic equality stage could not load @cortex-js/compute-engine: ${m.fatal}`,
        ),
      );
      for (const j of this.queue.splice(0))
        j.reject(new LensError(ErrorCode.Internal, `symbolic stage unavailable: ${m.fatal}`));
      return;
    }
    job.resolve({ equal: m.equal === true, how: m.how ?? 'error' });
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
    for (const j of this.queue.splice(0))
      j.reject(new LensError(ErrorCode.Cancelled, 'symbolic checker disposed'));
    if (w) await w.terminate();
  }
}
