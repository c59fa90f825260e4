// The order of a re-score in the UI, without vscode so it is tested: the progress notification (and
// its status-bar spinner) lasts exactly as long as the scoring; the summary that offers "Compare"
// comes after it and may wait for the user as long as it likes.
import type { RescoreSummary } from '../../shared/rescore';

export interface RescoreUi {
  /** Shows progress while `task` runs (VS Code's withProgress); resolves with the task. */
  withProgress<T>(task: (report: (message: string) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Shows the summary; resolves true when the user asks for the comparison. */
  offerComparison(message: string, complete: boolean): Promise<boolean>;
  /** Shows why the re-score failed. */
  failed(e: unknown): void;
}

export function summaryLine(r: RescoreSummary): string {
  return (
    `Re-score set ${r.set} (${r.label}): ${r.scored}/${r.samples} scored${r.errors ? `, ${r.errors} errors` : ''}` +
    `${r.status === 'incomplete' ? ` — incomplete: ${r.reason ?? 'stopped'}; run it again to resume` : ''}${r.approximate ? ' (approximate)' : ''}`
  );
}

/** Scores under a progress notification, then (progress gone) offers the comparison. */
export async function scoreThenOffer(
  ui: RescoreUi,
  score: (report: (message: string) => void, signal: AbortSignal) => Promise<RescoreSummary>,
  onCompare: (r: RescoreSummary) => void,
): Promise<void> {
  let r: RescoreSummary;
  try {
    r = await ui.withProgress(score);
  } catch (e) {
    ui.failed(e);
    return;
  }
  if (await ui.offerComparison(summaryLine(r), r.status === 'complete')) onCompare(r);
}
