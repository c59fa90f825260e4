// Webview lifecycle rules in one place, without vscode so they are unit-tested: nothing is posted
// before the webview's ready message or while the panel is hidden (its document is gone without
// retainContextWhenHidden); only the latest complete snapshot is kept meanwhile and posted once the
// view is back and ready. Reloads are coalesced: one in flight, at most one queued behind it.
import { realTimers, type Timers } from '../../shared/timers';

export interface Outbound {
  method: string;
  params: unknown;
}

export class SnapshotChannel {
  private ready = false;
  private visible: boolean;
  private latest: Outbound | undefined;
  private posted: Outbound | undefined;

  constructor(
    private readonly post: (m: Outbound) => PromiseLike<boolean>,
    visible: boolean,
  ) {
    this.visible = visible;
  }

  get isLive(): boolean {
    return this.ready && this.visible;
  }

  /** The webview said ready (a fresh document): re-post the latest snapshot even if it was posted before. */
  markReady(): void {
    this.ready = true;
    this.posted = undefined;
    this.flush();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    // A hidden panel's document is destroyed; it will send ready again when shown.
    if (!visible) this.ready = false;
    this.flush();
  }

  /** Replaces whatever was waiting: a snapshot is complete, so older ones are worthless. */
  offer(m: Outbound): void {
    this.latest = m;
    this.flush();
  }

  /** The snapshot a new document would get, if any. */
  get pending(): Outbound | undefined {
    return this.latest;
  }

  private flush(): void {
    const m = this.latest;
    if (!m || !this.isLive || this.posted === m) return;
    this.posted = m;
    void Promise.resolve(this.post(m)).then(
      (delivered) => {
        // VS Code answers false when the webview was disposed or not yet able to receive.
        if (!delivered && this.posted === m) this.posted = undefined;
      },
      () => {
        if (this.posted === m) this.posted = undefined;
      },
    );
  }
}

/**
 * Runs `load` at most once at a time; requests during a run queue one more run after it, and
 * requests within `delayMs` of each other collapse into one. `request(true)` skips the delay, and
 * the queued run after an in-flight one then starts at once too.
 */
export class Coalescer {
  private timer: unknown;
  private running = false;
  private again: 'no' | 'delayed' | 'immediate' = 'no';
  private disposed = false;

  constructor(
    private readonly load: () => Promise<void>,
    private readonly delayMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  request(immediate = false): void {
    if (this.disposed) return;
    if (this.running) {
      if (immediate) this.again = 'immediate';
      else if (this.again === 'no') this.again = 'delayed';
      return;
    }
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => void this.run(), immediate ? 0 : this.delayMs);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    try {
      await this.load();
    } finally {
      this.running = false;
      const again = this.again;
      this.again = 'no';
      if (again !== 'no' && !this.disposed) this.request(again === 'immediate');
    }
  }
}

/**
 * What a panel needs to keep its view current: loads one at a time, and a "stale" mark for changes
 * that arrive while the view is hidden. Data-change refreshes coalesce (one in flight, one queued):
 * cancelling on every change would starve a slow load during a live ingest. A request the user made
 * (`request(true)`, a restarted view) cancels the load in flight through its AbortSignal, and runs
 * as soon as that load has returned.
 */
export class PanelLoader {
  private readonly coalescer: Coalescer;
  private abort: AbortController | undefined;
  private stale = false;

  constructor(load: (signal: AbortSignal) => Promise<void>, delayMs: number, timers: Timers = realTimers) {
    this.coalescer = new Coalescer(
      () => {
        const abort = new AbortController();
        this.abort = abort;
        return load(abort.signal).finally(() => {
          if (this.abort === abort) this.abort = undefined;
        });
      },
      delayMs,
      timers,
    );
  }

  /** New data: load (coalesced) if the view is visible, else when it is shown again. */
  refresh(visible: boolean): void {
    if (visible) this.coalescer.request();
    else this.stale = true;
  }

  /** The webview (re)started: the kept snapshot was re-posted; load only when it is out of date. */
  ready(hasSnapshot: boolean): void {
    if (this.stale || !hasSnapshot) this.now();
    this.stale = false;
  }

  /** `immediate`: the user asked (e.g. picked other metrics): the load in flight is out of date. */
  request(immediate = false): void {
    if (immediate) this.now();
    else this.coalescer.request();
  }

  dispose(): void {
    this.abort?.abort();
    this.coalescer.dispose();
  }

  private now(): void {
    this.abort?.abort();
    this.coalescer.request(true);
  }
}
