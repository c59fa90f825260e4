// Length-based rewards: DAPO's overlong shaping in verl's and the paper's form (docs/rewards.md#format-overlong-length)
// and a plain linear penalty. Lengths are tokens unless the caller chose another unit.

/** verl `reward_manager/dapo.py`: min(−(L − (max − buf))/buf · factor, 0); added to the ±1 score there. */
export function overlongPenaltyVerl(length: number, maxResponseLength: number, buffer: number, penaltyFactor: number): number {
  const expected = maxResponseLength - buffer;
  // `+ 0` turns the −0 of L = max − buffer into 0 for display and equality.
  return Math.min((-(length - expected) / buffer) * penaltyFactor, 0) + 0;
}

/** The paper's R_length: 0 up to L_max − L_cache, a linear ramp to −1 at L_max, −1 beyond. */
export function overlongPenaltyPaper(length: number, maxLength: number, cache: number): number {
  const expected = maxLength - cache;
  if (length <= expected) return 0;
  if (length <= maxLength) return (expected - length) / cache;
  return -1;
}

/** Ours: 0 up to `free`, falling linearly to −1 at `max`, −1 beyond. */
export function linearLengthPenalty(length: number, free: number, max: number): number {
  if (length <= free) return 0;
  if (length >= max) return -1;
  return -(length - free) / (max - free);
}
