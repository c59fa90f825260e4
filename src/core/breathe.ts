// Long passes (ingest, re-score, alert folds) yield between batches so the engine keeps answering
// requests: one turn of the event loop, after pending I/O.
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
