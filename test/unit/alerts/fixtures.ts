// A small crafted run shared by the CLI and engine alert tests.
import type { NativeRollout } from '../../../src/shared/rollout';

/**
 * 12 steps of 2 groups × 4, sample id 8·step + 4·group + index + 1 in a fresh database; at step 9
 * index 3 of both groups (ids 76 and 80) is blank: 2 of 8 degenerate responses.
 */
export function blankAnswerRun(): NativeRollout[] {
  const out: NativeRollout[] = [];
  for (let s = 0; s < 12; s++) {
    for (let p = 0; p < 2; p++) {
      for (let i = 0; i < 4; i++) {
        const c = (s + p + i) % 2 === 0;
        const blank = s === 9 && i === 3;
        out.push({
          step: s,
          group: `g${s}-${p}`,
          index: i,
          prompt: `q${p}`,
          response: blank ? '   ' : `The answer is \\boxed{${c ? 1 : 2}}.`,
          reward: c ? 1 : 0,
          correct: c,
        });
      }
    }
  }
  return out;
}
