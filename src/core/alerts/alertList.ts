// Reading a run's alerts: for the CLI (kind, step, score, sample ids, message), and for the engine
// with the addresses of the first samples behind each (to open them) and the disabled detectors.
import type { AlertDto, AlertJson, AlertKind, AlertList, AlertSampleRef, DisabledDetector } from '../../shared/alerts';
import type { Split } from '../../shared/rollout';
import type { Store } from '../store/store';

/** Addresses returned per alert: enough to open them, small enough for a panel. */
export const MAX_REFS = 20;

interface Row {
  split: Split;
  step: number;
  kind: AlertKind;
  score: number;
  message: string;
  samples: string;
}

/** The run's alerts in split, step, kind order. */
export function alertRows(store: Store, runId: number, opts: { split?: Split; step?: number } = {}): Array<AlertJson & { split: Split }> {
  const rows = store.db
    .prepare(
      `SELECT split, step, kind, score, message, samples FROM alerts
        WHERE run_id = ? AND (? IS NULL OR split = ?) AND (? IS NULL OR step = ?)
        ORDER BY split DESC, step, kind, source`,
    )
    .all(runId, opts.split ?? null, opts.split ?? null, opts.step ?? null, opts.step ?? null) as Row[];
  return rows.map((r) => ({
    split: r.split,
    kind: r.kind,
    step: r.step,
    score: r.score,
    samples: JSON.parse(r.samples) as number[],
    message: r.message,
  }));
}

export function disabledDetectors(store: Store, runId: number): DisabledDetector[] {
  return store.db
    .prepare('SELECT detector, error FROM alert_detectors WHERE run_id = ? ORDER BY detector')
    .all(runId) as DisabledDetector[];
}

/** `maxRefs`: addresses per alert (default MAX_REFS; the CLI asks for all of them). */
export function listAlerts(store: Store, runId: number, opts: { split?: Split; step?: number; maxRefs?: number } = {}): AlertList {
  const rows = alertRows(store, runId, opts);
  const maxRefs = opts.maxRefs ?? MAX_REFS;
  const wanted = new Set<number>();
  for (const r of rows) for (const id of r.samples.slice(0, maxRefs)) wanted.add(id);
  const refs = new Map<number, AlertSampleRef>();
  if (wanted.size > 0) {
    const found = store.db
      .prepare(
        `SELECT s.id, st.split, st.step, g.uid AS "group", s.idx AS "index"
           FROM samples s JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id
          WHERE s.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify([...wanted])) as AlertSampleRef[];
    for (const f of found) refs.set(f.id, f);
  }
  const alerts: AlertDto[] = rows.map((r) => ({
    ...r,
    refs: r.samples.slice(0, maxRefs).flatMap((id) => {
      const ref = refs.get(id);
      return ref ? [ref] : [];
    }),
  }));
  return { alerts, disabled: disabledDetectors(store, runId) };
}
