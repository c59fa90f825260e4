// What a shared report embeds, built by the same core readers the engine answers the views with:
// the group view (views/group), every sample in full (samples/get), their per-token arrays
// (samples/tokens), the group's images (group/image) and the run's dashboard (views/dashboard).
import type { GroupRef, SampleDetail } from '../../shared/explorer';
import { errorMessage } from '../../shared/errors';
import type { AdvantageEstimator } from '../../shared/protocol/webviews/advantages';
import { REPORT_IMAGE_BUDGET, REPORT_TOKEN_BUDGET, type ReportData, type ReportImage } from '../../shared/report';
import type { SampleTokens } from '../../shared/tokenSignals';
import type { PickedCluster } from '../analysis/failureClusters';
import { LENS_VERSION } from '../runtimeReport';
import { getSample } from '../store/reads';
import type { Store } from '../store/store';
import { sampleTokens } from '../store/tokenStore';
import { dashboardView } from '../views/dashboardView';
import { groupImage } from '../views/groupMedia';
import { groupView, type GroupViewOptions } from '../views/groupView';
import { reportCluster } from './reportCluster';

export interface ReportOptions extends GroupViewOptions {
  /** The estimator the view opens on (the user's rolloutLens.advantageEstimator); GRPO when not given. */
  estimator?: AdvantageEstimator;
  /** Caps on embedded image bytes and token JSON (tests shrink them). */
  imageBudget?: number;
  tokenBudget?: number;
  /** The time written into the report (tests pin it). */
  now?: Date;
  /** A failure cluster to show above the group (pickCluster's result). */
  cluster?: PickedCluster;
}

/** Clip ε the dashboard's mismatch share is counted against when none is given (rolloutLens.tokens.clipEpsilon's default). */
const DEFAULT_EPSILON = 0.2;

export async function reportData(store: Store, ref: GroupRef, opts: ReportOptions = {}): Promise<ReportData> {
  const { view, node_texts } = groupView(store, ref, opts);
  const samples: Record<string, SampleDetail> = {};
  for (const s of view.samples) samples[String(s.index)] = getSample(store, { ...ref, index: s.index }, opts.reflection);
  const { tokens, left: tokensLeft } = embedTokens(store, ref, view.samples, opts.tokenBudget ?? REPORT_TOKEN_BUDGET);
  const images = await embedImages(store, ref, view.media?.images.length ?? 0, opts.imageBudget ?? REPORT_IMAGE_BUDGET);
  let dashboard: ReportData['dashboard'] = null;
  let dashboardError: string | null = null;
  try {
    // A GPU reading is a live run's; a report is a still picture.
    const { gpu_reading: _reading, ...d } = dashboardView(store, { run: ref.run, picked: [], epsilon: opts.epsilon ?? DEFAULT_EPSILON });
    dashboard = { ...d, live: false };
  } catch (e) {
    // The group is what is shared; a run whose charts cannot be made still gets its report.
    dashboardError = errorMessage(e);
  }
  return {
    written_at: (opts.now ?? new Date()).toISOString(),
    version: LENS_VERSION,
    group: { ...view, estimator: opts.estimator ?? 'grpo', shared_report: true },
    node_texts,
    samples,
    tokens,
    tokens_left_out:
      tokensLeft > 0
        ? `The per-token arrays of ${tokensLeft} sample${tokensLeft === 1 ? '' : 's'} were left out of this report: they pass its ${mb(
            opts.tokenBudget ?? REPORT_TOKEN_BUDGET,
          )} cap on token data.`
        : null,
    tokens_left: tokensLeft,
    images,
    dashboard,
    dashboard_error: dashboardError,
    cluster: opts.cluster ? reportCluster(store, ref, opts.cluster) : null,
  };
}

function embedTokens(
  store: Store,
  ref: GroupRef,
  samples: ReadonlyArray<{ index: number }>,
  budget: number,
): { tokens: Record<string, SampleTokens>; left: number } {
  const tokens: Record<string, SampleTokens> = {};
  let used = 0;
  let left = 0;
  for (const s of samples) {
    const t = sampleTokens(store, { ...ref, index: s.index });
    if (Object.values(t).every((v) => v === null)) continue;
    const size = JSON.stringify(t).length;
    if (used + size > budget) {
      left++;
      continue;
    }
    used += size;
    tokens[String(s.index)] = t;
  }
  return { tokens, left };
}

async function embedImages(store: Store, ref: GroupRef, count: number, budget: number): Promise<ReportImage[]> {
  const out: ReportImage[] = [];
  let used = 0;
  for (let k = 0; k < count; k++) {
    const load = await groupImage(store, ref, k);
    if (!load.ok) {
      out.push({ left_out: load.message });
      continue;
    }
    if (used + load.data.length > budget) {
      out.push({
        left_out: `Image left out of this report: its ${mb(load.data.length)} would pass the report's ${mb(budget)} cap on embedded images.`,
      });
      continue;
    }
    used += load.data.length;
    out.push({
      data_uri: `data:${load.mime};base64,${load.data}`,
      width: load.width,
      height: load.height,
      bytes: load.bytes,
      ...(load.downscaled ? { downscaled: true } : {}),
    });
  }
  return out;
}

function mb(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}
