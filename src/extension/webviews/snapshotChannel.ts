// Webview lifecycle rules in one place, without vscode so they are unit-tested: nothing is posted
// before the webview's ready message or while the panel is hidden (its document is gone without
// retainContextWhenHidden); only the latest complete snapshot is kept meanwhile and posted once the
// view is back and ready. Reloads are coalesced: one in flight, at most one queued behind it.

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
 * requests within `delayMs` of each other collapse into one.
 */
export class Coalescer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;
  private disposed = false;

  constructor(
    private readonly load: () => Promise<void>,
    private readonly delayMs: number,
  ) {}

  request(immediate = false): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), immediate ? 0 : this.delayMs);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    try {
      await this.load();
    } finally {
      this.running = false;
      if (this.again && !this.disposed) {
        this.again = false;
        this.request();
      }
    }
  }
}

/**
 * What a panel needs to keep its view current: coalesced loads, each one cancelling the previous
 * (its AbortSignal), and a "stale" mark for changes that arrive while the view is hidden.
 */
export class PanelLoader {
  private readonly coalescer: Coalescer;
  private abort: AbortController | undefined;
  private stale = false;

  constructor(load: (signal: AbortSignal) => Promise<void>, delayMs: number) {
    this.coalescer = new Coalescer(() => {
      this.abort?.abort();
      const abort = new AbortController();
      this.abort = abort;
      return load(abort.signal);
    }, delayMs);
  }

  /** New data: load now if the view is visible, else when it is shown again. */
  refresh(visible: boolean): void {
    if (visible) this.coalescer.request();
    else this.stale = true;
  }

  /** The webview (re)started: the kept snapshot was re-posted; load only when it is out of date. */
  ready(hasSnapshot: boolean): void {
    if (this.stale || !hasSnapshot) this.coalescer.request(true);
    this.stale = false;
  }

  request(immediate = false): void {
    this.coalescer.request(immediate);
  }

  dispose(): void {
    this.abort?.abort();
    this.coalescer.dispose();
  }
}
