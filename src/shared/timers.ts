// Timers, injectable so scheduling rules are tested without sleeping (test/helpers.ts manualTimers).

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Real timers; unref'd, so a pending poll never keeps a CLI or the engine alive. */
export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
