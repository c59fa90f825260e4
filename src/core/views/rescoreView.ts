// The re-score comparison view's data in one place: a set against the logged rewards, with the new
// rationales of the samples shown, in the shape the comparison view takes.
import { fromEngineComparison, type RescoreComparison } from '../../shared/protocol/webviews/rescore';
import { compareSet } from '../rewards/compare';
import { RescoreStore } from '../store/rescoreStore';
import type { Store } from '../store/store';

/** Changed samples listed at most; the counts cover every sample. */
export const RESCORE_VIEW_SAMPLES = 2000;

export function rescoreView(store: Store, setId: number): RescoreComparison {
  const rs = new RescoreStore(store.db);
  const set = rs.setWithRun(setId);
  const cmp = compareSet(store, { set: setId, against: 'logged', sampleLimit: RESCORE_VIEW_SAMPLES });
  const rationales = rs.rationales(
    setId,
    cmp.samples.map((s) => s.sample_id),
  );
  const byRef = new Map<string, string>();
  for (const s of cmp.samples) {
    const r = rationales[String(s.sample_id)];
    if (r !== undefined) byRef.set(`${s.split === 'val' ? 'val' : 'train'}/${s.step}/${s.group}/${s.index}`, r);
  }
  return fromEngineComparison(cmp, { id: setId, run: set.run, spec: set.label, status: set.status }, byRef);
}
