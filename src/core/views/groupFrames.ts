// Thumbnails of a group's video at the times a view asks for (the edges of its target and predicted
// segments). Only the video stored with the group is read, the one its timeline shows (the first
// sample's, in index order): a request names times, never a file.
import type { GroupRef } from '../../shared/explorer';
import { NO_VIDEO_MESSAGE, type GroupFrames, type VideoRef } from '../../shared/media';
import type { VideoFrames } from '../media/videoFrames';
import { requireGroupId } from '../store/reads';
import type { Store } from '../store/store';

export function groupVideo(store: Store, ref: GroupRef): VideoRef | null {
  const video = store.db
    .prepare('SELECT video FROM samples WHERE group_id = ? AND video IS NOT NULL ORDER BY idx LIMIT 1')
    .pluck()
    .get(requireGroupId(store, ref)) as string | undefined;
  return video ? (JSON.parse(video) as VideoRef) : null;
}

export async function groupFrames(
  store: Store,
  ref: GroupRef,
  times: readonly number[],
  width: number,
  frames: VideoFrames,
  signal?: AbortSignal,
): Promise<GroupFrames> {
  const video = groupVideo(store, ref);
  if (!video) return { ok: false, message: NO_VIDEO_MESSAGE };
  return frames.frames(video, times, width, signal);
}
