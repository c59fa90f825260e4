// The prompt timeline view's data in one place: the prompt's groups over the steps of a run, the
// runs it can be compared with, and the compared run's timeline (or why there is none).
import type { GroupRef } from '../../shared/explorer';
import { errorMessage } from '../../shared/errors';
import type { TimelineSnapshot } from '../../shared/protocol/webviews/timeline';
import type { PromptTimeline } from '../../shared/promptTimeline';
import type { Split } from '../../shared/rollout';
import { promptIdOfGroup, promptTimeline, runsAskingPrompt } from '../store/promptTimeline';
import type { Store } from '../store/store';

export interface TimelineViewParams {
  run: string;
  split: Split;
  /** The prompt, by id or as the prompt of a group (of any run). */
  prompt: { promptId: string } | { group: GroupRef };
  /** Another run to show beside it. */
  compare?: string | null;
}

export function timelineView(store: Store, p: TimelineViewParams): TimelineSnapshot {
  const promptId = 'promptId' in p.prompt ? p.prompt.promptId : promptIdOfGroup(store, p.prompt.group);
  const main = promptTimeline(store, p.run, { promptId }, p.split);
  const timelines: PromptTimeline[] = [main];
  let compareError: string | null = null;
  if (p.compare) {
    try {
      const other = promptTimeline(store, p.compare, { promptId }, p.split);
      if (other.points.length) timelines.push(other);
      else compareError = `Run ${p.compare} never asked this prompt in its ${p.split} split.`;
    } catch (e) {
      compareError = errorMessage(e);
    }
  }
  return {
    prompt_id: promptId,
    prompt: main.prompt,
    split: p.split,
    timelines,
    other_runs: runsAskingPrompt(store, { promptId }).filter((r) => r !== p.run),
    compare_error: compareError,
  };
}
