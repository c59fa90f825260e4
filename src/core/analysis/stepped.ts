// Long computations of the failure clusters (docs/algorithms.md#failure-clusters) as generators that
// pause between their heavy parts: the CLI runs them through, the engine awaits between the parts.

/**
 * A computation that pauses (yields) between its heavy parts, so the engine can serve other requests
 * and notice a cancel meanwhile (`runPausing`); `runThrough` runs it without pausing.
 */
export type Stepped<T> = Generator<void, T, void>;

export function runThrough<T>(g: Stepped<T>): T {
  for (;;) {
    const n = g.next();
    if (n.done) return n.value;
  }
}

export async function runPausing<T>(g: Stepped<T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const n = g.next();
    if (n.done) return n.value;
    await pause();
  }
}
