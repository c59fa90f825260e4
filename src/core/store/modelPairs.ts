// Per step and pair of reward models, the sums a Pearson correlation needs (step_model_pairs,
// migration 10), kept by the ingest writer as samples arrive so the dashboard's agreement chart
// never reads the samples. A reward model that stops agreeing with the others is a hacking signal
// (LongWriter-Zero trains on three; docs/algorithms.md#rewards-without-a-verifier).
import { brpoVerdict } from '../../shared/judgedAdvantages';
import { isReference, type Pairwise } from '../../shared/judging';
import type { Split } from '../../shared/rollout';
import type { SqliteDatabase, SqliteStatement } from './nativeLoader';
import type { Store } from './store';

interface PairSums {
  n: number;
  sa: number;
  sb: number;
  saa: number;
  sbb: number;
  sab: number;
}

/** The verdict stored with a sample for SQL: under the default rule (win every vote, a tie loses); 0 for the reference. */
export function defaultVerdict(p: Pairwise | undefined): number | null {
  if (!p) return null;
  return isReference(p) ? 0 : brpoVerdict(p.votes);
}

export class ModelPairSums {
  private readonly deltas = new Map<string, PairSums & { stepId: number; a: string; b: string }>();
  private readonly upsert: SqliteStatement;

  constructor(db: SqliteDatabase) {
    this.upsert = db.prepare(
      `INSERT INTO step_model_pairs (step_id, a, b, n, sa, sb, saa, sbb, sab) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (step_id, a, b) DO UPDATE SET n = n + excluded.n, sa = sa + excluded.sa, sb = sb + excluded.sb,
         saa = saa + excluded.saa, sbb = sbb + excluded.sbb, sab = sab + excluded.sab`,
    );
  }

  /** Adds one sample's scores for every pair of its reward models (names sorted, so each pair has one row). */
  add(stepId: number, models: readonly string[], scores: Readonly<Record<string, number>>): void {
    const names = [...models].sort();
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const a = names[i]!;
        const b = names[j]!;
        const x = scores[a];
        const y = scores[b];
        if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
        const key = `${stepId}\u0000${a}\u0000${b}`;
        let d = this.deltas.get(key);
        if (!d) this.deltas.set(key, (d = { stepId, a, b, n: 0, sa: 0, sb: 0, saa: 0, sbb: 0, sab: 0 }));
        d.n++;
        d.sa += x;
        d.sb += y;
        d.saa += x * x;
        d.sbb += y * y;
        d.sab += x * y;
      }
    }
  }

  flush(): void {
    for (const d of this.deltas.values()) this.upsert.run(d.stepId, d.a, d.b, d.n, d.sa, d.sb, d.saa, d.sbb, d.sab);
    this.deltas.clear();
  }

  forget(): void {
    this.deltas.clear();
  }
}

/** Pearson's r from sums; null with fewer than two samples or when either model gave one value throughout. */
export function pearson(s: PairSums): number | null {
  if (s.n < 2) return null;
  const va = s.saa - (s.sa * s.sa) / s.n;
  const vb = s.sbb - (s.sb * s.sb) / s.n;
  if (va <= 1e-12 * Math.max(1, s.saa) || vb <= 1e-12 * Math.max(1, s.sbb)) return null;
  const r = (s.sab - (s.sa * s.sb) / s.n) / Math.sqrt(va * vb);
  return Math.max(-1, Math.min(1, r));
}

/** Per split and step, the correlation of each pair of reward models, keyed `a~b` (names sorted). */
export function stepModelAgreement(store: Store, runId: number): Record<Split, Map<number, Record<string, number | null>>> {
  const rows = store.db
    .prepare(
      `SELECT st.split, st.step, p.a, p.b, p.n, p.sa, p.sb, p.saa, p.sbb, p.sab
         FROM steps st JOIN step_model_pairs p ON p.step_id = st.id
        WHERE st.run_id = ? ORDER BY st.split, st.step, p.a, p.b`,
    )
    .all(runId) as Array<PairSums & { split: Split; step: number; a: string; b: string }>;
  const out: Record<Split, Map<number, Record<string, number | null>>> = { train: new Map(), val: new Map() };
  for (const r of rows) {
    const bySplit = out[r.split];
    if (!bySplit) continue;
    bySplit.set(r.step, { ...bySplit.get(r.step), [`${r.a}~${r.b}`]: pearson(r) });
  }
  return out;
}
