// A pairwise-judge re-score set against the logged BRPO advantages (docs/rewards.md#pairwise-judge):
// per group the new verdicts become BRPO advantages (dropped when |Σ|/G > τ), the logged ones are the
// trainer's (`advantage`), else the logged verdicts under τ; then advantage-sign flips and the change
// in dropped groups.
import { ErrorCode, LensError } from '../../shared/errors';
import { BRPO_TAU } from '../../shared/judgedAdvantages';
import { RescoreStore, type PairwiseRow } from '../store/rescoreStore';
import type { Store } from '../store/store';

export interface PairwiseGroupChange {
  split: string;
  step: number;
  group: string;
  dropped_before: boolean;
  dropped_after: boolean;
  advantages_before: number[];
  advantages_after: number[];
}

export interface PairwiseComparison {
  set: number;
  tau: number;
  /** Whole groups compared (a group with a failed sample, no logged baseline or only part of its samples in the set is skipped). */
  groups: number;
  groups_skipped: number;
  samples: number;
  references: { logged: number; chosen: number };
  votes: number;
  /** Replies from which neither a verdict nor two scores could be read: counted as ties. */
  unreadable_votes: number;
  /** Share of judged samples whose new verdict equals the logged one (null when no verdict was logged). */
  verdict_agreement: number | null;
  flips: { advantage_sign: number; advantage_sign_changed: number };
  dropped_before: number;
  dropped_after: number;
  delta_dropped: number;
  /** The first groups (in order) whose dropping or advantage signs changed. */
  groups_changed: PairwiseGroupChange[];
}

const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);
const skewOf = (verdicts: ReadonlyArray<number | null>, g: number): number =>
  Math.abs(verdicts.reduce<number>((s, v) => s + (v ?? 0), 0)) / g;

function* byGroup(rows: readonly PairwiseRow[]): Generator<PairwiseRow[]> {
  let group: PairwiseRow[] = [];
  for (const row of rows) {
    if (group.length && group[0]!.group_id !== row.group_id) {
      yield group;
      group = [];
    }
    group.push(row);
  }
  if (group.length) yield group;
}

/**
 * The logged side: the trainer's advantages when every sample logged one (dropped = all 0 in a group
 * of several: BRPO gives every non-reference sample ±1 otherwise); else the logged verdicts under τ.
 */
function loggedSide(rows: readonly PairwiseRow[], g: number, tau: number): { advantages: number[]; dropped: boolean } | null {
  if (rows.every((r) => r.logged_advantage !== null)) {
    const advantages = rows.map((r) => r.logged_advantage ?? 0);
    return { advantages, dropped: g > 1 && advantages.every((a) => a === 0) };
  }
  if (rows.every((r) => r.logged_verdict === null)) return null;
  const dropped =
    skewOf(
      rows.map((r) => r.logged_verdict),
      g,
    ) > tau;
  return { advantages: rows.map((r) => (dropped ? 0 : (r.logged_verdict ?? 0))), dropped };
}

export function comparePairwise(store: Store, setId: number, opts: { tau?: number; groupLimit?: number } = {}): PairwiseComparison {
  const rs = new RescoreStore(store.db);
  if (!rs.getSet(setId)) throw new LensError(ErrorCode.NotFound, `${store.file}: no re-score set ${setId}`);
  const tau = opts.tau ?? BRPO_TAU;
  const out: PairwiseComparison = {
    set: setId,
    tau,
    groups: 0,
    groups_skipped: 0,
    samples: 0,
    references: { logged: 0, chosen: 0 },
    votes: 0,
    unreadable_votes: 0,
    verdict_agreement: null,
    flips: { advantage_sign: 0, advantage_sign_changed: 0 },
    dropped_before: 0,
    dropped_after: 0,
    delta_dropped: 0,
    groups_changed: [],
  };
  let agreeing = 0;
  let withLogged = 0;
  for (const rows of byGroup(rs.pairwiseRows(setId))) {
    const g = rows[0]!.group_size;
    for (const r of rows) {
      const c = r.components ? (JSON.parse(r.components) as Record<string, number>) : {};
      if (c['reference'] === 1) out.references[c['reference_logged'] === 1 ? 'logged' : 'chosen']++;
      out.votes += c['votes'] ?? 0;
      out.unreadable_votes += c['unreadable'] ?? 0;
      if (r.after !== null && r.logged_verdict !== null) {
        withLogged++;
        if (r.after === r.logged_verdict) agreeing++;
      }
    }
    const before = loggedSide(rows, g, tau);
    if (rows.length < g || rows.some((r) => r.after === null) || before === null) {
      out.groups_skipped++;
      continue;
    }
    const verdicts = rows.map((r) => r.after as number);
    const droppedAfter = skewOf(verdicts, g) > tau;
    const after = verdicts.map((v) => (droppedAfter ? 0 : v));
    out.groups++;
    out.samples += rows.length;
    if (before.dropped) out.dropped_before++;
    if (droppedAfter) out.dropped_after++;
    let changed = before.dropped !== droppedAfter;
    after.forEach((a, i) => {
      const b = before.advantages[i]!;
      if (sign(a) * sign(b) < 0) out.flips.advantage_sign++;
      if (sign(a) !== sign(b)) {
        out.flips.advantage_sign_changed++;
        changed = true;
      }
    });
    if (changed && out.groups_changed.length < (opts.groupLimit ?? 20)) {
      const first = rows[0]!;
      out.groups_changed.push({
        split: first.split,
        step: first.step,
        group: first.uid,
        dropped_before: before.dropped,
        dropped_after: droppedAfter,
        advantages_before: before.advantages,
        advantages_after: after,
      });
    }
  }
  out.delta_dropped = out.dropped_after - out.dropped_before;
  out.verdict_agreement = withLogged ? agreeing / withLogged : null;
  return out;
}
