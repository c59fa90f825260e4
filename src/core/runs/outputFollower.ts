// Follows a run's output paths into the store with the Ingestor's follow mode. The Ingestor takes a
// fixed list of existing paths, while a run creates its output folders and files as it goes: so a
// follow covers the paths that exist, and is restarted (after its final drain; cursors are durable,
// nothing is read twice) when another declared path appears.
import * as fs from 'node:fs';
import { errorMessage, isLensError } from '../../shared/errors';
import type { FormatChoice, IngestReport } from '../../shared/rollout';
import type { ReflectionMatcher } from '../analysis/reflection';
import { Ingestor } from '../ingest/ingestor';
import type { Store } from '../store/store';

export interface OutputFollowerOptions {
  run: string;
  paths: readonly string[];
  format: FormatChoice;
  pollMs?: number;
  reflection?: ReflectionMatcher;
  onPass?: (r: IngestReport) => void;
  onError?: (message: string) => void;
}

export interface FollowTotals {
  samples: number;
  /** Samples read that were already stored. */
  duplicates: number;
  metrics: number;
  errors: number;
}

export class OutputFollower {
  private readonly outer = new AbortController();
  private inner: AbortController | undefined;
  private loop: Promise<void> | undefined;
  readonly totals: FollowTotals = { samples: 0, duplicates: 0, metrics: 0, errors: 0 };

  constructor(
    private readonly store: Store,
    private readonly opts: OutputFollowerOptions,
  ) {}

  private existing(): string[] {
    return this.opts.paths.filter((p) => fs.existsSync(p));
  }

  start(): void {
    if (this.loop || this.opts.paths.length === 0) return;
    this.loop = this.run();
  }

  /** Stops following after a final drain of every path that exists now; resolves when done. */
  async stop(): Promise<FollowTotals> {
    this.outer.abort();
    this.inner?.abort();
    await this.loop;
    // Paths that appeared after the last follow started (or a run that never was followed).
    const now = this.existing();
    if (now.length) await this.follow(now, true);
    return this.totals;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.outer.signal.aborted) return resolve();
      const onAbort = (): void => (clearTimeout(t), resolve());
      const t = setTimeout(() => (this.outer.signal.removeEventListener('abort', onAbort), resolve()), ms);
      this.outer.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async run(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 500;
    let failures = 0;
    while (!this.outer.signal.aborted) {
      const paths = this.existing();
      if (paths.length === 0) {
        await this.pause(pollMs);
        continue;
      }
      const watch = setInterval(() => {
        if (this.existing().length > paths.length) this.inner?.abort();
      }, pollMs);
      const ok = await this.follow(paths, false);
      clearInterval(watch);
      failures = ok ? 0 : failures + 1;
      // A failing follow (locked database, mixed formats) is retried, more slowly each time.
      if (!ok) await this.pause(Math.min(pollMs * 2 ** failures, 30_000));
    }
  }

  /** One Ingestor over `paths` until aborted (or at once, when `once`). Returns false on error. */
  private async follow(paths: string[], once: boolean): Promise<boolean> {
    this.inner = new AbortController();
    if (once || this.outer.signal.aborted) this.inner.abort();
    let last: IngestReport | undefined;
    try {
      const ingestor = new Ingestor(this.store, paths, {
        run: this.opts.run,
        format: this.opts.format,
        signal: this.inner.signal,
        ...(this.opts.reflection ? { reflection: this.opts.reflection } : {}),
      });
      last = await ingestor.follow({
        pollMs: this.opts.pollMs ?? 500,
        onPass: (r) => {
          this.opts.onPass?.(r);
        },
      });
      return true;
    } catch (e) {
      this.opts.onError?.(`ingest of ${paths.join(', ')}: ${isLensError(e) ? e.message : errorMessage(e)}`);
      return false;
    } finally {
      if (last) {
        this.totals.samples += last.samples_added;
        this.totals.duplicates += last.samples_duplicate;
        this.totals.metrics += last.metrics_added;
        this.totals.errors += last.errors.length;
      }
    }
  }
}
