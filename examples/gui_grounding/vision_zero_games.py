"""The Vision-Zero style demo run, without pixels: shape scenes, the spy's changed scene, clues, votes, rewards.

Procedural, not a model. Stdlib only (test/python checks it); render.py draws the scenes and
make_run.py writes the games with rollout_lens_logger.vision_zero.write_vision_zero_game.

The game and its decision reward follow Vision-Zero (wangqinsi1/Vision-Zero at fa3c01c1,
src/open-r1-multimodal/src/open_r1/clevr_spotdiff_generator.py,
_calculate_enhanced_two_phase_rewards_with_god_decision, lambda_fmt 0.3, beta_acc 1.2, gamma 0.99):
four players see a picture, one of them (the spy) a picture with one object changed; each gives a
clue, then G "God decision" completions read every clue with the original picture and vote for the
spy. A decision's reward is 0.3·(2·fmt_ok − 1) + 1.2·acc + 0.99·[acc > 0], acc +1 for the spy,
−0.5 for "N/A", −1 for another player or no readable vote. fmt_ok: a <think> of more than 10
characters and a non-empty <answer>. The G rewards of a game are normalised as Vision-Zero's
_apply_group_normalization does (population std; R − mean alone when the std is at most 1e-8).
"""

import random
import re

SEED = 20250522
STEPS, GAMES, PLAYERS = 2, 3, 4
# Clue rounds per game, and God decisions per game (the GRPO group).
ROUNDS, DECISIONS = 1, 4
SCENE_W, SCENE_H = 480, 320
KINDS = ["circle", "square", "triangle"]
COLOURS = ["red", "green", "blue", "yellow", "purple"]
SIZES = ["small", "large"]
# How often a decision votes for the spy at each step (the decision skill improving), and says "N/A".
CATCH_RATE = (0.45, 0.75)
NA_RATE = (0.2, 0.1)
BAD_FORMAT_RATE = (0.25, 0.05)


def scene(step, game):
    """The original scene: 5 non-overlapping shapes on a grid of 3×2 cells."""
    rng = random.Random(f"{SEED}:scene:{step}:{game}")
    cells = rng.sample(range(6), 5)
    shapes = []
    for c in cells:
        cx = 80 + 160 * (c % 3) + rng.randrange(-20, 21)
        cy = 80 + 160 * (c // 3) + rng.randrange(-20, 21)
        size = rng.choice(SIZES)
        shapes.append({"kind": rng.choice(KINDS), "colour": rng.choice(COLOURS), "size": size,
                       "centre": [cx, cy], "r": 48 if size == "large" else 28})
    return shapes


def spy_scene(shapes, step, game):
    """The spy's scene: one shape changed (colour or kind), in the same place. Returns (scene, changed index)."""
    rng = random.Random(f"{SEED}:change:{step}:{game}")
    i = rng.randrange(len(shapes))
    changed = [dict(s) for s in shapes]
    if rng.random() < 0.5:
        changed[i]["colour"] = rng.choice([c for c in COLOURS if c != shapes[i]["colour"]])
    else:
        changed[i]["kind"] = rng.choice([k for k in KINDS if k != shapes[i]["kind"]])
    return changed, i


def place(s):
    col = ["left", "middle", "right"][min(2, s["centre"][0] // 160)]
    row = "top" if s["centre"][1] < SCENE_H / 2 else "bottom"
    return f"{row} {col}"


def describe(s):
    return f"a {s['size']} {s['colour']} {s['kind']} at the {place(s)}"


def clues(original, changed, changed_i, spy, rng):
    """Each player's clue about their own picture; the spy, unsure, tends to describe the changed object vaguely."""
    out = []
    for p in range(1, PLAYERS + 1):
        pic = changed if p == spy else original
        if p == spy and rng.random() < 0.6:
            s = pic[changed_i]
            out.append(f"I can see something {s['colour']} at the {place(s)}.")
        else:
            out.append(f"There is {describe(pic[rng.randrange(len(pic))])}.")
    return out


def accuracy(vote, spy):
    """Vision-Zero's accuracy component of a God decision's vote (None: no readable vote)."""
    if vote == spy:
        return 1.0
    return -0.5 if vote == "N/A" else -1.0


def decision_reward(fmt_ok, acc):
    return 0.3 * (2 * int(fmt_ok) - 1) + 1.2 * acc + 0.99 * (1 if acc > 0 else 0)


_THINK = re.compile(r"<think>(.*?)</think>", re.S)
_ANSWER = re.compile(r"<answer>(.*?)</answer>", re.S)


def parse_decision(text):
    """(fmt_ok, vote): vote is a player number, "N/A" or None."""
    think, answer = _THINK.search(text), _ANSWER.search(text)
    content = answer.group(1).strip() if answer else ""
    fmt_ok = bool(think) and len(think.group(1).strip()) > 10 and content != ""
    if content.upper() in ("N/A", "NA"):
        return fmt_ok, "N/A"
    digit = re.search(r"\b([1-9])\b", content)
    return fmt_ok, (int(digit.group(1)) if digit else None)


def _lerp(pair, p):
    return pair[0] + (pair[1] - pair[0]) * p


def decision_text(spy, clue_list, rng, p):
    """One God decision: a vote with its reasoning, sometimes N/A, sometimes malformed."""
    if rng.random() < _lerp(CATCH_RATE, p):
        vote = spy
        why = f"Player {spy} only said \"{clue_list[spy - 1]}\", which is vague and does not match the picture."
    elif rng.random() < _lerp(NA_RATE, p) / (1 - _lerp(CATCH_RATE, p)):
        vote = "N/A"
        why = "All the clues seem consistent with the picture; I cannot tell who has the different one."
    else:
        vote = rng.choice([q for q in range(1, PLAYERS + 1) if q != spy])
        why = f"Player {vote}'s clue sounds unsure, so they might be the odd player."
    said = "I vote N/A" if vote == "N/A" else f"I vote player {vote}"
    if rng.random() < _lerp(BAD_FORMAT_RATE, p):
        return f"{why} {said}.", vote  # no tags: the format check fails and the vote is not read
    return f"<think>{why} {said}.</think><answer>{vote}</answer>", vote


def decision_prompt(clue_list):
    """The God's prompt: the game, every clue, the answer format."""
    said = "\n".join(f"PLAYER {p}: {c}" for p, c in enumerate(clue_list, start=1))
    return (f"<image>\nYou watch a game of \"Who's the odd one out?\" with {PLAYERS} players. The picture is the "
            "original; one player's picture has one object changed. The players' clues:\n"
            f"{said}\nVote for the odd player. Answer with <think>...</think><answer>PLAYER_NUMBER or N/A</answer>.")


def normalise(rewards):
    """Vision-Zero's per-game normalisation (VLMGRPOTrainer._apply_group_normalization, grpo_trainer.py):
    (R − mean) / (population std + 1e-8), or R − mean when the std or max − min is at most 1e-8; here
    in float64 where Vision-Zero computes in float32."""
    mean = sum(rewards) / len(rewards)
    std = (sum((r - mean) ** 2 for r in rewards) / len(rewards)) ** 0.5
    if std <= 1e-8 or max(rewards) - min(rewards) <= 1e-8:
        return [r - mean for r in rewards]
    return [(r - mean) / (std + 1e-8) for r in rewards]


def games():
    """Every game: dict with the scenes, spy, clues and its God decisions (text, vote, reward parts)."""
    for step in range(STEPS):
        p = step / max(1, STEPS - 1)
        for game in range(GAMES):
            rng = random.Random(f"{SEED}:game:{step}:{game}")
            original = scene(step, game)
            changed, changed_i = spy_scene(original, step, game)
            spy = rng.randrange(1, PLAYERS + 1)
            clue_list = clues(original, changed, changed_i, spy, rng)
            decisions = []
            for _ in range(DECISIONS):
                text, _ = decision_text(spy, clue_list, rng, p)
                fmt_ok, vote = parse_decision(text)
                acc = accuracy(vote, spy)
                decisions.append({"text": text, "vote": vote, "fmt_ok": fmt_ok, "acc": acc,
                                  "reward": round(decision_reward(fmt_ok, acc), 6)})
            yield {"step": step, "game": game, "group": f"{step}-game{game}", "spy": spy, "original": original,
                   "changed": changed, "changed_index": changed_i, "clues": clue_list, "decisions": decisions}
