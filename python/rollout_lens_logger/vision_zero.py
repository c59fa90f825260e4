"""Companion logger for Vision-Zero: one "Who is the spy?" game as one native JSONL group.

Vision-Zero (wangqinsi1/Vision-Zero, read at fa3c01c) writes no rollout files: a game lives in
memory. Four players see an image each (the spy's is the modified one), give clues over two rounds,
and then G "God decision" completions read every clue and vote for the spy. Those G completions are
what is trained as a GRPO group, so they are what this module writes:

- ``group`` is the game id, ``index`` the completion's position, ``response`` the completion;
- ``turns`` hold the clue turns (``environment``, not trained here), each with the player's image as
  ``images: [{"path": ...}]`` and "Player P (spy|civilian), round R:" before the text, then the
  decision itself as the trained ``assistant`` turn;
- ``reward`` is the decision reward before the game's normalisation, ``advantage`` the normalised
  value the trainer used as the advantage, ``components`` {format, accuracy}, ``correct`` whether
  the vote names the spy, ``ground_truth`` the spy's player number;
- ``meta.vision_zero`` keeps the game's facts: id, spy, players (number, image, role), the original
  image, this completion's vote and all G votes.

The patch that calls it inside Vision-Zero's trainer is in python/README.md and docs/formats.md
(section "Vision-Zero"). Stdlib only.
"""

import math

from .writer import OPTIONAL_KEYS, RolloutWriter

# The God-decision reward as _calculate_enhanced_two_phase_rewards_with_god_decision computes it
# (clevr_spotdiff_generator.py): LAMBDA_FMT * (2*format - 1) + BETA_ACC * acc + GAMMA * [acc > 0].
LAMBDA_FMT = 0.3
BETA_ACC = 1.2
GAMMA = 0.99
ABSTAIN_ACCURACY = -0.5


def clue_turns(clue_texts, num_players, num_rounds):
    """(player, round, text) for clue texts in the trainer's order: round by round, players 1..N.

    That is the order ``_generate_clue_phase_for_training`` generates them and
    ``_build_all_clues_from_responses`` reads them (grpo_trainer.py at fa3c01c).
    """
    texts = list(clue_texts)
    if len(texts) != num_players * num_rounds:
        raise ValueError(f"{len(texts)} clue texts for {num_players} players x {num_rounds} rounds")
    return [(i % num_players + 1, i // num_players + 1, t) for i, t in enumerate(texts)]


def _vote(v, where):
    """A player number, "N/A" or None; also takes extract_vote_from_decision's dict (or its None)."""
    if isinstance(v, dict):
        v = v.get("voted_spy")
    if v is None:
        return None
    if isinstance(v, str) and v.strip().upper() in ("N/A", "NA"):
        return "N/A"
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    raise ValueError(f"{where}: a vote must be a player number, 'N/A' or None, got {v!r}")


def _accuracy(vote, spy):
    if vote == spy:
        return 1.0
    return ABSTAIN_ACCURACY if vote == "N/A" else -1.0


def _format_from_reward(reward, accuracy, where):
    # What is left once accuracy and shaping are taken out is +LAMBDA_FMT or -LAMBDA_FMT.
    rest = reward - BETA_ACC * accuracy - GAMMA * (1.0 if accuracy > 0 else 0.0)
    for fmt, value in ((1, LAMBDA_FMT), (0, -LAMBDA_FMT)):
        if math.isclose(rest, value, abs_tol=1e-6):
            return fmt
    raise ValueError(
        f"{where}: reward {reward!r} is not {LAMBDA_FMT}*(2*format-1) + {BETA_ACC}*accuracy + {GAMMA}*[accuracy>0] "
        f"with accuracy {accuracy}; pass formats=[...] when the run used other weights")


def write_vision_zero_game(out, *, step, game_id, spy, player_images, clues, decisions, rewards, votes,
                           prompt="", original_image=None, advantages=None, formats=None, split="train",
                           meta=None):
    """Append a game's G God-decision completions as one group to ``out`` (a path or a RolloutWriter).

    ``spy``: the spy's player number (1-based, Vision-Zero's ``spy_player``). ``player_images``: one
    path per player, in player order. ``clues``: (player, round, text) tuples (``clue_turns`` builds
    them from the trainer's list). ``decisions``, ``rewards`` (before normalisation) and ``votes``
    (``extract_vote_from_decision``'s results, or numbers / "N/A" / None) have one entry per
    completion, as do ``advantages`` (the normalised rewards) and ``formats`` (bools) when given.
    Without ``formats`` the format flag is read back from the reward. Returns the records written.
    """
    where = f"Vision-Zero game {game_id!r}"
    n = len(decisions)
    for name, values in (("rewards", rewards), ("votes", votes), ("advantages", advantages), ("formats", formats)):
        if values is not None and len(values) != n:
            raise ValueError(f"{where}: {len(values)} {name} for {n} decisions")
    for name, values in (("rewards", rewards), ("advantages", advantages or [])):
        for i, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"{where}: {name}[{i}] must be a finite number, got {v!r}")
    players = len(player_images)
    if isinstance(spy, bool) or not isinstance(spy, int) or not 1 <= spy <= players:
        raise ValueError(f"{where}: spy must be a player number 1..{players}, got {spy!r}")
    turns = []
    for player, rnd, text in clues:
        if not 1 <= player <= players:
            raise ValueError(f"{where}: clue from player {player!r}, but there are {players} players")
        role = "spy" if player == spy else "civilian"
        turns.append({"role": "environment", "content": f"Player {player} ({role}), round {rnd}: {text}",
                      "trained": False, "images": [{"path": player_images[player - 1]}]})
    all_votes = [_vote(v, f"{where}, decision {i}") for i, v in enumerate(votes)]
    game = {"game_id": game_id, "spy": spy,
            "players": [{"player": p + 1, "image": img, "role": "spy" if p + 1 == spy else "civilian"}
                        for p, img in enumerate(player_images)]}
    if original_image is not None:
        game["original_image"] = original_image
    # The God sees the original image; it goes on the sample once the writer knows sample images.
    images = [{"path": original_image}] if original_image is not None and "images" in OPTIONAL_KEYS else None
    # Every line is built before the first is written: a bad completion never leaves half a group.
    lines = []
    for i, decision in enumerate(decisions):
        vote = all_votes[i]
        accuracy = _accuracy(vote, spy)
        fmt = (1 if formats[i] else 0) if formats is not None else _format_from_reward(
            rewards[i], accuracy, f"{where}, decision {i}")
        fields = {
            "index": i, "split": split, "ground_truth": str(spy), "correct": vote == spy,
            "components": {"format": fmt, "accuracy": accuracy},
            "turns": turns + [{"role": "assistant", "content": decision, "trained": True}],
            "meta": {**(meta or {}), "vision_zero": {**game, "vote": vote, "votes": all_votes}},
        }
        if advantages is not None:
            fields["advantage"] = advantages[i]
        if images is not None:
            fields["images"] = images
        lines.append((decision, rewards[i], fields))
    writer = out if isinstance(out, RolloutWriter) else RolloutWriter(out)
    try:
        records = [writer.write(step, str(game_id), prompt, decision, reward, **fields)
                   for decision, reward, fields in lines]
    finally:
        if writer is not out:
            writer.close()
    return records
