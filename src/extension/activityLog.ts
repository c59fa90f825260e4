// One line in the "Rollout Lens" output channel per thing a user waits for (an ingest or follow, a
// re-score, a search, an export, a success threshold), with how long it took and how it ended: the
// first place to look when a view seems stale or a command seems to have done nothing.
import { errorMessage } from '../shared/errors';
import { EngineMethods, type MethodDescriptor } from '../shared/protocol/engine';
import { counted } from '../shared/text';

type Summary<P, R> = { tag: string; what: (p: P) => string; done: (r: R) => string };

function entry<P, R>(_m: MethodDescriptor<P, R>, s: Summary<P, R>): Summary<P, R> {
  return s;
}

const q = JSON.stringify;

/** The logged methods by wire name: one registry, so a new long operation is one row here. */
const ACTIVITIES: Record<string, Summary<never, never>> = {
  [EngineMethods.ingest.name]: entry(EngineMethods.ingest, {
    tag: 'ingest',
    what: (p) => `${p.follow ? 'follow' : 'ingest'} ${counted(p.paths.length, 'path')} into ${p.run}`,
    done: (r) =>
      `${counted(r.samples_added, 'sample')} added, ${r.samples_duplicate} already stored, ${counted(r.errors.length, 'error')}` +
      `${r.cancelled ? ' (stopped)' : ''}`,
  }),
  [EngineMethods.rescore.name]: entry(EngineMethods.rescore, {
    tag: 'rescore',
    what: (p) => `${p.run} with ${typeof p.spec === 'string' ? p.spec : 'a custom spec'}`,
    done: (r) =>
      `set ${r.set} ${r.status}: ${r.scored} of ${counted(r.samples, 'sample')} scored, ${counted(r.errors, 'error')}` +
      `${r.reused ? ' (already complete)' : r.resumed ? ' (resumed)' : ''}${r.cancelled ? ' (cancelled)' : ''}`,
  }),
  [EngineMethods.search.name]: entry(EngineMethods.search, {
    tag: 'search',
    what: (p) => `${q(p.query)}${p.run ? ` in ${p.run}` : ''}`,
    done: (r) => `${counted(r.hits.length, 'hit')}${r.literal ? ' (searched as a literal phrase)' : ''}`,
  }),
  [EngineMethods.exportRun.name]: entry(EngineMethods.exportRun, {
    tag: 'export',
    what: (p) => `${p.run} to ${p.path}`,
    done: (r) => `${counted(r.samples, 'sample')} written`,
  }),
  [EngineMethods.exportDataset.name]: entry(EngineMethods.exportDataset, {
    tag: 'export',
    what: (p) => `${p.kind} from ${p.run} to ${p.out}`,
    done: (r) => `${counted(r.rows, 'row')} written`,
  }),
  [EngineMethods.setSuccessThreshold.name]: entry(EngineMethods.setSuccessThreshold, {
    tag: 'success',
    what: (p) => `${p.run}: threshold ${p.threshold ?? 'cleared'}`,
    done: (r) => `rule ${r.success_rule ?? 'none yet'}`,
  }),
} as Record<string, Summary<never, never>>;

const seconds = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * The line for a finished request of `method`, or undefined when it is not one a user waits for.
 * `outcome` is the result, or the error it failed with.
 */
export function activityLine(
  method: string,
  params: unknown,
  outcome: { result: unknown } | { error: unknown },
  ms: number,
): string | undefined {
  const a = ACTIVITIES[method] as Summary<unknown, unknown> | undefined;
  if (!a) return undefined;
  const end = 'error' in outcome ? `failed: ${errorMessage(outcome.error)}` : a.done(outcome.result);
  return `[${a.tag}] ${a.what(params)}: ${end} in ${seconds(ms)}`;
}
