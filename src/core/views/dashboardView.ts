// The run dashboard's data in one place: step statistics of both splits with the samples' reward-
// component means, logged metric series (the trainer's component means and the user's picks), the
// train-vs-inference mismatch, the alerts and, for a launched run, its status line and log tail. The host adds what only it knows (whether the run is
// live, the GPU history it keeps from status notifications).
import { describeSuccessRule } from '../../shared/success';
import { runSuccessRule } from '../store/successStore';
import type { AlertList } from '../../shared/alerts';
import {
  isComponentMeanKey,
  toStepColumns,
  type DashboardViewData,
  type StepSegmentMeansView,
} from '../../shared/protocol/webviews/dashboard';
import type { Split } from '../../shared/rollout';
import { stepComponentMeans } from '../store/componentMeans';
import { stepBoxMeans, stepSegmentMeans } from '../store/stepSums';
import { stepModelAgreement } from '../store/modelPairs';
import { stepHardToGroundShare, type HardToGroundThresholds } from '../store/hardToGround';
import { DEFAULT_ALERT_THRESHOLDS } from '../../shared/alerts';
import { metricKeys, metricSeries } from '../store/metricSeries';
import type { Store } from '../store/store';
import { stepMismatch, type MismatchCache } from '../store/tokenStore';
import type { RunLiveSections } from './runLive';

/** Metric series sent at most (the picker lists every key). */
export const METRIC_KEY_LIMIT = 50;

export interface DashboardViewParams {
  run: string;
  /** Logged metrics the user picked to chart. */
  picked: string[];
  /** ε of the clip range the mismatch's share is counted against. */
  epsilon: number;
  /** Which groups are hard to ground (settings rolloutLens.alerts.hardToGround*; default: their defaults). */
  hardToGround?: HardToGroundThresholds;
}

export interface DashboardSources {
  /** The run's alerts, brought up to date (absent: listing failed; alerts are advice). */
  alerts?: AlertList | undefined;
  /** The supervisor's sections, for a run it launched. */
  live?: RunLiveSections | undefined;
  /** Mismatch per step of earlier loads: finished steps are not read twice. */
  mismatchCache?: MismatchCache;
}

export function dashboardView(store: Store, p: DashboardViewParams, src: DashboardSources = {}): DashboardViewData {
  const runId = store.requireRun(p.run).id;
  const rows = store.stepStats(runId);
  const rule = runSuccessRule(store.db, runId);
  const keys = metricKeys(store, p.run);
  const wanted = [...new Set([...keys.filter(isComponentMeanKey), ...p.picked.filter((k) => keys.includes(k))])].slice(0, METRIC_KEY_LIMIT);
  const val = rows.filter((r) => r.split === 'val');
  const components = stepComponentMeans(store, runId);
  const boxes = stepBoxMeans(store, runId);
  const segments = segmentColumns(store, runId, p.hardToGround);
  const agreement = stepModelAgreement(store, runId);
  // An extra chart: the dashboard still opens without it.
  let mismatch: ReturnType<typeof stepMismatch> = [];
  try {
    mismatch = stepMismatch(store, p.run, p.epsilon, 'train', src.mismatchCache ? { cache: src.mismatchCache } : {});
  } catch {
    mismatch = [];
  }
  return {
    run: p.run,
    success_rule: describeSuccessRule(rule.rules, rule.threshold),
    train: toStepColumns(
      rows.filter((r) => r.split === 'train'),
      components.train,
      boxes.train,
      segments.train,
      agreement.train,
    ),
    val: val.length > 0 ? toStepColumns(val, components.val, boxes.val, segments.val, agreement.val) : null,
    metric_keys: keys,
    series: wanted.length > 0 ? metricSeries(store, p.run, wanted) : {},
    picked: p.picked,
    ...(src.live ? { status: src.live.status, logTail: src.live.logTail, gpu_reading: src.live.gpu } : {}),
    ...(src.alerts ? { alerts: src.alerts.alerts, alertsDisabled: src.alerts.disabled.map((d) => `${d.detector}: ${d.error}`) } : {}),
    ...(mismatch.length ? { mismatch, clip_epsilon: p.epsilon } : {}),
  };
}

/** Per split and step, the segment means with the share of hard-to-ground groups beside them. */
function segmentColumns(
  store: Store,
  runId: number,
  t: HardToGroundThresholds | undefined,
): Record<Split, Map<number, StepSegmentMeansView>> {
  const means = stepSegmentMeans(store, runId);
  const hard = stepHardToGroundShare(
    store,
    runId,
    t ?? {
      reward: DEFAULT_ALERT_THRESHOLDS.hardToGroundReward,
      spread: DEFAULT_ALERT_THRESHOLDS.hardToGroundSpread,
    },
  );
  const out: Record<Split, Map<number, StepSegmentMeansView>> = { train: new Map(), val: new Map() };
  for (const split of ['train', 'val'] as const) {
    for (const [step, m] of means[split]) {
      out[split].set(step, {
        tiou: m.tiou,
        length_ratio: m.length_ratio,
        unparsable: m.unparsable,
        hard_to_ground: hard[split].get(step) ?? null,
      });
    }
  }
  return out;
}
