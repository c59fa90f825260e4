"""BRPO (Writing-Zero's bootstrapped relative policy optimisation) on top of TRL's GRPOTrainer, the way a
third-party TRL implementation runs it: the reward column is a placeholder 0, a pairwise judge compares each
completion with one reference completion of its group, and the advantages TRL trains on (and logs in the
completions parquet) are BRPO's ±1/0 instead of TRL's group-normalised rewards.

Per group of G completions (TRL's RepeatSampler puts a prompt's G completions in one consecutive block):
- one completion is the reference, picked by a seeded random.Random(global_step): its advantage is 0;
- every other completion is judged against it in both orders (ab: it first; ba: the reference first) and
  gets +1 only if it wins every vote, else -1 (a tie loses);
- a group with |sum A| / G > TAU (0.6) is dropped: all its advantages are 0.

The judge here is a deterministic stand-in, NOT a generative reward model (none can run in this CPU sandbox):
it prefers the completion that equals a+b, and calls a tie when both are right or both are wrong. Its scores
(0-10) and critique imitate the GenRM's output shape only.

Each completion's judge record is logged with TRL's `log_extra` as a JSON string column `pairwise` in
Rollout Lens's native shape (docs/native-format.md), and brpo/groups_dropped_frac, brpo/mean_preference and
brpo/mean_abs_skew with `log_metric`.
"""

import json
import random

import torch
from trl import GRPOTrainer

TAU = 0.6
CORRECT_SCORE, WRONG_SCORE = 8, 2


def _text(c):
    return c if isinstance(c, str) else "".join(m["content"] for m in c)


def stand_in_judge(first, second, truth):
    """One call of the stand-in judge on (Response A, Response B): A's score, B's score, the winner ("A", "B"
    or None for a tie) and a critique. Deterministic; no position bias, so both orders agree."""
    a_ok, b_ok = first.strip() == truth, second.strip() == truth
    sa, sb = (CORRECT_SCORE if a_ok else WRONG_SCORE), (CORRECT_SCORE if b_ok else WRONG_SCORE)
    winner = None if a_ok == b_ok else ("A" if a_ok else "B")
    critique = (f"[stand-in judge, not a GenRM] Principle: the answer must equal the sum ({truth}). "
                f"Response A answers {first.strip()!r} ({'right' if a_ok else 'wrong'}); "
                f"Response B answers {second.strip()!r} ({'right' if b_ok else 'wrong'}). "
                + (f"Response {winner} is better." if winner else "Neither is better."))
    return sa, sb, winner, critique


def judge_group(completions, truth, reference):
    """BRPO for one group: (verdicts, pairwise records). The reference's verdict is 0."""
    verdicts, records = [], []
    for i, c in enumerate(completions):
        if i == reference:
            verdicts.append(0)
            records.append({"reference": True})
            continue
        ref = completions[reference]
        votes = []
        sa, sb, w, crit = stand_in_judge(c, ref, truth)  # ab: this completion is Response A
        votes.append({"order": "ab", "win": None if w is None else w == "A", "score": sa, "against_score": sb,
                      "critique": crit})
        sa, sb, w, crit = stand_in_judge(ref, c, truth)  # ba: the reference is Response A
        votes.append({"order": "ba", "win": None if w is None else w == "B", "score": sb, "against_score": sa,
                      "critique": crit})
        verdicts.append(1 if all(v["win"] is True for v in votes) else -1)
        records.append({"against": reference, "votes": votes})
    return verdicts, records


class Brpo:
    """The placeholder reward function (`reward` returns 0 for every completion; its name is TRL's reward
    column) that also judges the batch and keeps BRPO's advantages for BrpoGRPOTrainer to use."""

    def __init__(self, num_generations):
        self.g = num_generations
        self.advantages = None

        def pairwise_judge(prompts, completions, ground_truth, trainer_state, log_extra, log_metric, **kwargs):
            self._judge([_text(c) for c in completions], ground_truth, trainer_state.global_step, log_extra, log_metric)
            return [0.0] * len(completions)

        self.reward = pairwise_judge

    def _judge(self, completions, truths, global_step, log_extra, log_metric):
        g = self.g
        rng = random.Random(global_step)
        advantages, records, dropped, skews, wins, judged = [], [], 0, [], 0, 0
        for start in range(0, len(completions), g):
            block = completions[start:start + g]
            reference = rng.randrange(len(block))
            verdicts, recs = judge_group(block, truths[start], reference)
            skew = abs(sum(verdicts)) / len(block)
            skews.append(skew)
            if skew > TAU:
                dropped += 1
            advantages += [0.0] * len(block) if skew > TAU else [float(v) for v in verdicts]
            records += recs
            wins += sum(1 for i, v in enumerate(verdicts) if i != reference and v > 0)
            judged += len(block) - 1
        self.advantages = advantages
        log_extra("pairwise", [json.dumps(r, ensure_ascii=False) for r in records])
        groups = len(skews)
        log_metric("brpo/groups_dropped_frac", dropped / groups)
        log_metric("brpo/mean_preference", wins / judged)
        log_metric("brpo/mean_abs_skew", sum(skews) / groups)


class BrpoGRPOTrainer(GRPOTrainer):
    """GRPOTrainer whose advantages are BRPO's. TRL 1.13 computes advantages inline in
    `_generate_and_score_completions` (from the rewards, then logs them to `_logs["advantages"]`, which
    becomes the parquet `advantage` column); this replaces both after it returns. Single process only: the
    reward function sees the local batch, and BRPO needs whole groups."""

    def __init__(self, *args, brpo, **kwargs):
        super().__init__(*args, **kwargs)
        self.brpo = brpo

    def _generate_and_score_completions(self, inputs):
        output = super()._generate_and_score_completions(inputs)
        adv, self.brpo.advantages = self.brpo.advantages, None
        local = output["advantages"]
        if adv is None or len(adv) != len(local) or self.accelerator.num_processes != 1:
            raise RuntimeError("BRPO advantages missing or not for this batch (BRPO here runs on one process)")
        output["advantages"] = torch.tensor(adv, dtype=local.dtype, device=local.device)
        logged = self._logs["advantages"]
        for i, a in enumerate(adv):
            logged[len(logged) - len(adv) + i] = a
        return output
