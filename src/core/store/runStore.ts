// Repository for launched runs (migration 3): launches, log-parsed metrics and GPU samples.
import type { RunBackend, RunState } from '../../shared/runs';
import type { Store } from './store';

export interface LaunchRow {
  id: number;
  run_id: number;
  run: string;
  attempt: number;
  profile_name: string;
  profile: string;
  backend: RunBackend;
  state: RunState;
  pid: number | null;
  pid_start: number | null;
  job_id: string | null;
  run_dir: string;
  log_path: string;
  log_offset: number;
  log_records: number;
  exit_code: number | null;
  exit_signal: string | null;
  exit_note: string | null;
  message: string | null;
  started_at: number;
  ended_at: number | null;
  last_step: number | null;
  total_steps: number | null;
  eta_s: number | null;
  drained: number;
  owner_pid: number | null;
  owner_start: number | null;
}

export type LaunchUpdate = Partial<Omit<LaunchRow, 'id' | 'run_id' | 'run' | 'attempt' | 'backend' | 'profile' | 'profile_name'>>;

export interface GpuSampleRow {
  t: number;
  gpu: number;
  uuid: string | null;
  name: string | null;
  util_gpu: number | null;
  util_mem: number | null;
  mem_used_mib: number | null;
  mem_total_mib: number | null;
  temp_c: number | null;
  power_w: number | null;
  power_limit_w: number | null;
  run_mem_mib: number | null;
}

const UPDATABLE = new Set([
  'state',
  'pid',
  'pid_start',
  'job_id',
  'run_dir',
  'log_path',
  'log_offset',
  'log_records',
  'exit_code',
  'exit_signal',
  'exit_note',
  'message',
  'started_at',
  'ended_at',
  'last_step',
  'total_steps',
  'eta_s',
  'drained',
  'owner_pid',
  'owner_start',
]);

const SELECT = 'SELECT l.*, r.name AS run FROM run_launches l JOIN runs r ON r.id = l.run_id';

export class RunStore {
  constructor(private readonly store: Store) {}

  insertLaunch(l: {
    run: string;
    profileName: string;
    profile: string;
    backend: RunBackend;
    runDir: string;
    logPath: string;
    owner: { pid: number; start: number | null };
  }): LaunchRow {
    const runId = this.store.ensureRun(l.run, null);
    const id = this.store.write(() => {
      const attempt =
        ((this.store.db.prepare('SELECT max(attempt) FROM run_launches WHERE run_id = ?').pluck().get(runId) as number | null) ?? 0) + 1;
      return Number(
        this.store.db
          .prepare(
            `INSERT INTO run_launches (run_id, attempt, profile_name, profile, backend, state, run_dir, log_path, started_at, owner_pid, owner_start)
             VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
          )
          .run(runId, attempt, l.profileName, l.profile, l.backend, l.runDir, l.logPath, Date.now(), l.owner.pid, l.owner.start)
          .lastInsertRowid,
      );
    });
    return this.get(id)!;
  }

  get(id: number): LaunchRow | undefined {
    return this.store.db.prepare(`${SELECT} WHERE l.id = ?`).get(id) as LaunchRow | undefined;
  }

  /** The latest attempt of a run, or undefined when it was never launched. */
  latest(run: string): LaunchRow | undefined {
    return this.store.db.prepare(`${SELECT} WHERE r.name = ? ORDER BY l.attempt DESC LIMIT 1`).get(run) as LaunchRow | undefined;
  }

  /** The latest attempt of every launched run, by name. */
  listLatest(): LaunchRow[] {
    return this.store.db
      .prepare(`${SELECT} WHERE l.attempt = (SELECT max(attempt) FROM run_launches x WHERE x.run_id = l.run_id) ORDER BY r.name`)
      .all() as LaunchRow[];
  }

  /** Launches that have not ended, or ended without their outputs' final read. */
  unsettled(): LaunchRow[] {
    return this.store.db
      .prepare(`${SELECT} WHERE l.state IN ('pending', 'running', 'stopping') OR l.drained = 0 ORDER BY l.id`)
      .all() as LaunchRow[];
  }

  update(id: number, u: LaunchUpdate): void {
    const keys = Object.keys(u).filter((k) => UPDATABLE.has(k));
    if (keys.length === 0) return;
    // Column names come from the fixed UPDATABLE list, never from input.
    this.store.write(() =>
      this.store.db
        .prepare(`UPDATE run_launches SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`)
        .run(...keys.map((k) => (u as Record<string, unknown>)[k] ?? null), id),
    );
  }

  /** Takes ownership unless a live owner other than `me` holds it; returns whether it is ours. */
  claim(id: number, me: { pid: number; start: number | null }, ownerAlive: (pid: number, start: number | null) => boolean): boolean {
    return this.store.write(() => {
      const row = this.store.db.prepare('SELECT owner_pid, owner_start FROM run_launches WHERE id = ?').get(id) as
        { owner_pid: number | null; owner_start: number | null } | undefined;
      if (!row) return false;
      const mine = row.owner_pid === me.pid && row.owner_start === me.start;
      if (!mine && row.owner_pid !== null && ownerAlive(row.owner_pid, row.owner_start)) return false;
      this.store.db.prepare('UPDATE run_launches SET owner_pid = ?, owner_start = ? WHERE id = ?').run(me.pid, me.start, id);
      return true;
    });
  }

  release(id: number, me: { pid: number }): void {
    this.store.write(() =>
      this.store.db.prepare('UPDATE run_launches SET owner_pid = NULL, owner_start = NULL WHERE id = ? AND owner_pid = ?').run(id, me.pid),
    );
  }

  /**
   * Metrics parsed from the log and the log offset they came from, in one transaction: a crash
   * re-reads exactly the lines whose metrics were not committed. Values already stored (from a
   * metrics file, which is exact where the console rounds) are kept.
   */
  commitLogProgress(
    l: Pick<LaunchRow, 'id' | 'run_id'>,
    progress: {
      offset: number;
      records: number;
      lastStep: number | null;
      totalSteps: number | null;
      etaSeconds: number | null;
    },
    metrics: ReadonlyArray<{ step: number; values: Record<string, number> }>,
  ): number {
    return this.store.write(() => {
      const db = this.store.db;
      const insKey = db.prepare('INSERT INTO metric_keys (key) VALUES (?) ON CONFLICT (key) DO NOTHING');
      const selKey = db.prepare('SELECT id FROM metric_keys WHERE key = ?').pluck();
      const ins = db.prepare(
        'INSERT INTO metrics (run_id, key_id, step, value) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key_id, step) DO NOTHING',
      );
      let added = 0;
      for (const m of metrics) {
        for (const [key, value] of Object.entries(m.values)) {
          insKey.run(key);
          added += ins.run(l.run_id, selKey.get(key) as number, m.step, Number.isFinite(value) ? value : null).changes;
        }
      }
      const step = progress.lastStep;
      db.prepare(
        `UPDATE run_launches SET log_offset = ?, log_records = ?,
           last_step = CASE WHEN ? IS NULL THEN last_step WHEN last_step IS NULL OR ? > last_step THEN ? ELSE last_step END,
           total_steps = coalesce(?, total_steps), eta_s = coalesce(?, eta_s) WHERE id = ?`,
      ).run(progress.offset, progress.records, step, step, step, progress.totalSteps, progress.etaSeconds, l.id);
      return added;
    });
  }

  addGpuSamples(launchId: number, rows: readonly GpuSampleRow[]): void {
    if (rows.length === 0) return;
    this.store.write(() => {
      const ins = this.store.db.prepare(
        `INSERT OR REPLACE INTO gpu_samples (launch_id, t, gpu, uuid, name, util_gpu, util_mem, mem_used_mib, mem_total_mib, temp_c, power_w, power_limit_w, run_mem_mib)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const r of rows) {
        ins.run(
          launchId,
          r.t,
          r.gpu,
          r.uuid,
          r.name,
          r.util_gpu,
          r.util_mem,
          r.mem_used_mib,
          r.mem_total_mib,
          r.temp_c,
          r.power_w,
          r.power_limit_w,
          r.run_mem_mib,
        );
      }
    });
  }

  /** The most recent reading of each GPU for a launch. */
  latestGpu(launchId: number): GpuSampleRow[] {
    return this.store.db
      .prepare(
        `SELECT t, gpu, uuid, name, util_gpu, util_mem, mem_used_mib, mem_total_mib, temp_c, power_w, power_limit_w, run_mem_mib
           FROM gpu_samples WHERE launch_id = ? AND t = (SELECT max(t) FROM gpu_samples WHERE launch_id = ?) ORDER BY gpu`,
      )
      .all(launchId, launchId) as GpuSampleRow[];
  }

  /** Highest step with ingested rollouts or metrics for the run. */
  maxStep(runId: number): number | null {
    const db = this.store.db;
    const a = db.prepare('SELECT max(step) FROM steps WHERE run_id = ?').pluck().get(runId) as number | null;
    const b = db.prepare('SELECT max(step) FROM metrics WHERE run_id = ?').pluck().get(runId) as number | null;
    return a === null ? b : b === null ? a : Math.max(a, b);
  }

  /** Steps after `after` (exclusive) that have metric values, ascending, at most `limit`. */
  metricStepsAfter(runId: number, after: number, limit = 1000): number[] {
    return this.store.db
      .prepare('SELECT DISTINCT step FROM metrics WHERE run_id = ? AND step > ? ORDER BY step LIMIT ?')
      .pluck()
      .all(runId, after, limit) as number[];
  }

  /** Metric values of a run at one step, by key. */
  metricsAt(runId: number, step: number): Record<string, number | null> {
    const rows = this.store.db
      .prepare(
        'SELECT k.key AS key, m.value AS value FROM metrics m JOIN metric_keys k ON k.id = m.key_id WHERE m.run_id = ? AND m.step = ? ORDER BY k.key',
      )
      .all(runId, step) as Array<{ key: string; value: number | null }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
}
