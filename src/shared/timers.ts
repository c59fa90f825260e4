// Timers, injectable so scheduling rules are tested without sleeping (test/helpers.ts manualTimers).

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Real timers; unref'd, so a pending poll never keeps a CLI or the engine alive. */
export const realTimers: Timers = {
  set: (fn, ms) => {
    const handle: unknown = setTimeout(fn, ms);
    // Node's handle has unref (the browser's number does not: this file is shared with webviews).
    if (typeof handle === 'object' && handle !== null && 'unref' in handle && typeof handle.unref === 'function') handle.unref();
    return handle;
  },
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
