// The store facade: one open database, its run repository and read queries.
import { setSuccessThreshold } from './successStore';
import * as fs from 'node:fs';
import { ErrorCode, LensError } from '../../shared/errors';
import type { Grouping, RunSummary, StepStats, StepStatsRow, Split } from '../../shared/rollout';
import { databaseError, openDatabase, type OpenOptions } from './database';
import type { SqliteDatabase } from './nativeLoader';
import { STEP_GROUPS_SQL, STEP_SAMPLES_SQL, recomputeDirtySteps, withFreshStepStats } from './stepStore';

export interface RunRow {
  id: number;
  name: string;
  format: string | null;
  grouping: string | null;
  created_at: number;
  meta: string | null;
  /** The success rules its samples used (src/shared/success.ts), and the threshold a user set. */
  success_rule: string | null;
  success_threshold: number | null;
}

/** Run names become file names, URIs and log lines: keep them to a safe, printable alphabet. */
export function validateRunName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@+=-]{0,127}$/.test(name) || name.includes('..')) {
    throw new LensError(
      ErrorCode.BadInput,
      `invalid run name ${JSON.stringify(name)}: use 1–128 letters, digits and . _ - @ + =, starting with a letter or digit`,
    );
  }
  return name;
}

export class Store {
  /** Device and inode of the file when opened: a deleted or replaced file must not take writes. */
  private readonly identity: { dev: number; ino: number } | undefined;

  private constructor(
    readonly db: SqliteDatabase,
    readonly file: string,
  ) {
    const st = file === ':memory:' ? undefined : fs.statSync(file);
    this.identity = st ? { dev: st.dev, ino: st.ino } : undefined;
  }

  static open(file: string, opts: OpenOptions = {}): Store {
    return new Store(openDatabase(file, opts), file);
  }

  /**
   * SQLite keeps writing to a deleted file's inode, and everything written is lost at close. Checked
   * before each write transaction (one stat per batch), so the loss is refused and reported instead.
   */
  private checkStillThere(): void {
    if (!this.identity) return;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(this.file);
    } catch {
      st = undefined;
    }
    if (!st || st.dev !== this.identity.dev || st.ino !== this.identity.ino) {
      throw new LensError(
        ErrorCode.DatabaseUnusable,
        `${this.file}: the database file was ${st ? 'replaced' : 'deleted'} while open; nothing more is written to it (restart to create or reopen it)`,
        { file: this.file },
      );
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in an IMMEDIATE transaction, translating SQLite failures into user-facing errors. */
  write<T>(fn: () => T): T {
    this.checkStillThere();
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      throw databaseError(this.file, e);
    }
  }

  getRun(name: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE name = ?').get(name) as RunRow | undefined;
  }

  requireRun(name: string): RunRow {
    const run = this.getRun(name);
    if (!run) throw new LensError(ErrorCode.NotFound, `${this.file}: no run named ${JSON.stringify(name)}`);
    return run;
  }

  /** Returns the run's id, creating it; records the format the first time one is known. */
  ensureRun(name: string, format: string | null): number {
    validateRunName(name);
    return this.write(() => {
      this.db
        .prepare('INSERT INTO runs (name, format, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING')
        .run(name, format, Date.now());
      if (format) this.db.prepare('UPDATE runs SET format = ? WHERE name = ? AND format IS NULL').run(format, name);
      return (this.db.prepare('SELECT id FROM runs WHERE name = ?').pluck().get(name) as number) ?? 0;
    });
  }

  recomputeSteps(runId?: number): number {
    try {
      return recomputeDirtySteps(this.db, runId);
    } catch (e) {
      throw databaseError(this.file, e);
    }
  }

  /**
   * Sets (null: clears) the success threshold of a run: samples with no verdict and no correctness
   * component are solved when reward ≥ threshold. Every group is counted again; returns the run's summary.
   */
  setSuccessThreshold(run: string, threshold: number | null): RunSummary {
    if (threshold !== null && !Number.isFinite(threshold)) {
      throw new LensError(ErrorCode.BadInput, `success threshold must be a finite number, got ${threshold}`);
    }
    const id = this.requireRun(run).id;
    this.write(() => setSuccessThreshold(this.db, id, threshold));
    return this.listRuns().find((r) => r.run === run)!;
  }

  listRuns(): RunSummary[] {
    return this.db
      .prepare(
        `SELECT r.name AS run, r.format AS format, r.grouping AS grouping, r.success_rule AS success_rule,
                r.success_threshold AS success_threshold,
                (SELECT COUNT(*) FROM steps s WHERE s.run_id = r.id) AS steps,
                (SELECT coalesce(SUM(${STEP_GROUPS_SQL}), 0) FROM steps s WHERE s.run_id = r.id) AS groups,
                (SELECT coalesce(SUM(${STEP_SAMPLES_SQL}), 0) FROM steps s WHERE s.run_id = r.id) AS samples,
                (SELECT MIN(s.step) FROM steps s WHERE s.run_id = r.id) AS first_step,
                (SELECT MAX(s.step) FROM steps s WHERE s.run_id = r.id) AS last_step
           FROM runs r ORDER BY r.name`,
      )
      .all() as RunSummary[];
  }

  stepStats(runId: number, opts: { split?: Split; step?: number } = {}): StepStatsRow[] {
    const run = this.db.prepare('SELECT grouping, success_rule FROM runs WHERE id = ?').get(runId) as
      { grouping: Grouping | null; success_rule: string | null } | undefined;
    const stored = this.db
      .prepare(
        `SELECT id, dirty, step, split, samples, groups, reward_mean, reward_std, mean_length, length_unit, stats
           FROM steps WHERE run_id = ? AND (? IS NULL OR split = ?) AND (? IS NULL OR step = ?)
          ORDER BY split, step`,
      )
      .all(runId, opts.split ?? null, opts.split ?? null, opts.step ?? null, opts.step ?? null) as (StepStats & {
      id: number;
      dirty: number;
      stats: string | null;
    })[];
    return withFreshStepStats(this.db, stored).map(({ stats, id: _id, dirty: _dirty, ...row }) => ({
      ...row,
      length_unit: row.length_unit ?? 'chars',
      ...(stats ? (JSON.parse(stats) as Record<string, unknown>) : {}),
      grouping: run?.grouping ?? null,
      success_rule: run?.success_rule ?? null,
    }));
  }
}
