// A shared report: one group of a run as one self-contained HTML file (rollout-lens report, the group
// view's "Share as HTML…"). The page embeds this data; its small host (webview/report/main.ts) answers
// the group view's and the dashboard's requests from it, so the page shows what the extension shows.
import type { ReportCluster } from './clusters';
import type { SampleDetail } from './explorer';
import type { DashboardSnapshot } from './protocol/webviews/dashboard';
import type { GroupSnapshot } from './protocol/webviews/group';
import type { SampleTokens } from './tokenSignals';

/** Image bytes embedded at most (as base64 data URIs); images past it are left out with a message. */
export const REPORT_IMAGE_BUDGET = 8 * 1024 * 1024;
/** Per-token arrays embedded at most (JSON characters); samples past it show the token overlay's error. */
export const REPORT_TOKEN_BUDGET = 8 * 1024 * 1024;

/** One image of the group's media.images, embedded, or why it was left out. */
export type ReportImage = { data_uri: string; width: number; height: number; bytes: number; downscaled?: boolean } | { left_out: string };

export interface ReportData {
  /** When the report was written (ISO 8601, UTC) and by which version of Rollout Lens. */
  written_at: string;
  version: string;
  group: GroupSnapshot;
  /** Tree node id → full text (the snapshot carries previews). */
  node_texts: Record<string, string>;
  /** Sample index → the sample in full. */
  samples: Record<string, SampleDetail>;
  /** Sample index → its per-token arrays; a sample that is absent was left out (tokens_left_out says why). */
  tokens: Record<string, SampleTokens>;
  tokens_left_out: string | null;
  /** How many samples' arrays were left out for the cap. */
  tokens_left: number;
  images: ReportImage[];
  /** The run's dashboard (every step; the report's step is the group's), or null with why. */
  dashboard: DashboardSnapshot | null;
  dashboard_error: string | null;
  /** The failure cluster the report was written for (shown above the group), or null. */
  cluster: ReportCluster | null;
}

/** What writing a report did. */
export interface ReportSummary {
  path: string;
  /** The file's size in bytes. */
  bytes: number;
  samples: number;
  images: number;
  images_left_out: number;
  tokens_left_out: number;
  /** Labels on the group and its samples (the group view shows them; group.labels). */
  labels: number;
  /** The group shown: the one asked for, or a cluster's (its first example's). */
  step: number;
  group: string;
  /** The cluster above the group: its id, name and size, and how many of its samples the group holds. */
  cluster: { id: number; name: string; size: number; in_group: number } | null;
}

/** The ids of the page's data blocks (type="application/json" scripts, never run). */
export const REPORT_DATA_ID = 'rl-report-data';
export const reportAppId = (app: ReportApp): string => `rl-app-${app}`;
export type ReportApp = 'group' | 'dashboard';

/** A report app's bundle as its data block holds it. */
export interface ReportBundle {
  js: string;
  css: string;
}

/** Parses a `data:<mime>;base64,<data>` URI back into its parts (the group view loads image bytes). */
export function parseDataUri(uri: string): { mime: string; data: string } | null {
  const m = /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=]*)$/.exec(uri);
  return m ? { mime: m[1] as string, data: m[2] as string } : null;
}
