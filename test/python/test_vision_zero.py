"""Tests for python/rollout_lens_logger/vision_zero.py (stdlib only; system python3, no venv):

    python3 -m unittest test.python.test_vision_zero -v     (or: discover -s test/python)
"""

import json
import os
import sys
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python"))

from rollout_lens_logger import OPTIONAL_KEYS, RolloutWriter  # noqa: E402
from rollout_lens_logger.vision_zero import clue_turns, write_vision_zero_game  # noqa: E402

IMAGES = ["/data/g7_original.png", "/data/g7_original.png", "/data/g7_modified.png", "/data/g7_original.png"]
CLUES = ["a red cube left", "blue sphere front", "a red cube, big", "small cylinder",
         "metal cube", "rubber sphere", "green thing", "the cube is shiny"]
DECISIONS = [
    "<think>Player 3 said green; nobody else did.</think>\\boxed{3}",
    "\\boxed{N/A}",
    "Player 2 was vague about the sphere.\n\\boxed{2}",
]
# What Vision-Zero computes for them with spy 3: format ok / right (2.49), no reasoning / N/A, ok / wrong.
REWARDS = [2.49, -0.8999999999999999, -0.8999999999999999]
# Its group normalisation of those: (r - mean) / (population std + 1e-8) in float32.
ADVANTAGES = [1.4142135381698608, -0.7071067690849304, -0.7071067690849304]


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class VisionZeroLoggerTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self._tmp.name, "vz.jsonl")

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, **overrides):
        args = dict(step=5, game_id="clevr_epoch_0_sample_7", spy=3, player_images=IMAGES,
                    clues=clue_turns(CLUES, 4, 2), decisions=DECISIONS, rewards=REWARDS,
                    votes=[{"voted_spy": 3, "reasoning": "Direct number vote"}, {"voted_spy": "N/A"}, 2],
                    prompt="You are analyzing a game...", original_image="/data/g7_original.png",
                    advantages=ADVANTAGES)
        args.update(overrides)
        return write_vision_zero_game(self.path, **args)

    def test_clue_turns_follow_the_trainer_order(self):
        self.assertEqual(clue_turns(["a", "b", "c", "d", "e", "f"], 3, 2),
                         [(1, 1, "a"), (2, 1, "b"), (3, 1, "c"), (1, 2, "d"), (2, 2, "e"), (3, 2, "f")])
        with self.assertRaisesRegex(ValueError, "5 clue texts for 3 players x 2 rounds"):
            clue_turns(["a"] * 5, 3, 2)

    def test_one_group_per_game_with_turns_images_and_game_facts(self):
        self.assertEqual(len(self.write()), 3)
        lines = read_lines(self.path)
        self.assertEqual([(l["group"], l["index"], l["reward"], l["correct"]) for l in lines], [
            ("clevr_epoch_0_sample_7", 0, 2.49, True),
            ("clevr_epoch_0_sample_7", 1, -0.8999999999999999, False),
            ("clevr_epoch_0_sample_7", 2, -0.8999999999999999, False),
        ])
        self.assertEqual([l["components"] for l in lines], [
            {"format": 1, "accuracy": 1.0}, {"format": 0, "accuracy": -0.5}, {"format": 1, "accuracy": -1.0}])
        first = lines[0]
        expected_turns = [
            {"role": "environment", "content": "Player 1 (civilian), round 1: a red cube left", "trained": False,
             "images": [{"path": "/data/g7_original.png"}]},
            {"role": "environment", "content": "Player 2 (civilian), round 1: blue sphere front", "trained": False,
             "images": [{"path": "/data/g7_original.png"}]},
            {"role": "environment", "content": "Player 3 (spy), round 1: a red cube, big", "trained": False,
             "images": [{"path": "/data/g7_modified.png"}]},
            {"role": "environment", "content": "Player 4 (civilian), round 1: small cylinder", "trained": False,
             "images": [{"path": "/data/g7_original.png"}]},
            {"role": "environment", "content": "Player 1 (civilian), round 2: metal cube", "trained": False,
             "images": [{"path": "/data/g7_original.png"}]},
            {"role": "environment", "content": "Player 2 (civilian), round 2: rubber sphere", "trained": False,
             "images": [{"path": "/data/g7_original.png"}]},
            {"role": "environment", "content": "Player 3 (spy), round 2: green thing", "trained": False,
             "images": [{"path": "/data/g7_modified.png"}]},
            {"role": "environment", "content": "Player 4 (civilian), round 2: the cube is shiny", "trained": False,
             "images": [{"path": "/data/g7_original.png"}]},
            {"role": "assistant", "content": DECISIONS[0], "trained": True},
        ]
        expected = {
            "step": 5, "group": "clevr_epoch_0_sample_7", "index": 0, "prompt": "You are analyzing a game...",
            "response": DECISIONS[0], "reward": 2.49, "components": {"format": 1, "accuracy": 1.0},
            "ground_truth": "3", "correct": True, "advantage": 1.4142135381698608, "split": "train",
            "turns": expected_turns,
            "meta": {"vision_zero": {
                "game_id": "clevr_epoch_0_sample_7", "spy": 3,
                "players": [{"player": 1, "image": "/data/g7_original.png", "role": "civilian"},
                            {"player": 2, "image": "/data/g7_original.png", "role": "civilian"},
                            {"player": 3, "image": "/data/g7_modified.png", "role": "spy"},
                            {"player": 4, "image": "/data/g7_original.png", "role": "civilian"}],
                "original_image": "/data/g7_original.png", "vote": 3, "votes": [3, "N/A", 2]}},
        }
        # The God's own image goes on the sample once the writer accepts sample images
        # (docs/native-format.md); until then it is only in meta.vision_zero.original_image.
        if "images" in OPTIONAL_KEYS:
            expected["images"] = [{"path": "/data/g7_original.png"}]
        self.assertEqual(first, expected)
        self.assertEqual(lines[1]["meta"]["vision_zero"]["vote"], "N/A")
        self.assertEqual(lines[2]["turns"][-1], {"role": "assistant", "content": DECISIONS[2], "trained": True})

    def test_writes_through_an_open_writer_and_merges_meta(self):
        with RolloutWriter(self.path) as w:
            write_vision_zero_game(
                w, step=1, game_id="g", spy=1, player_images=["/a.png", "/b.png"], clues=[(2, 1, "x")],
                decisions=["\\boxed{NA}"], rewards=[-0.8999999999999999], votes=["NA"], meta={"rank": 0})
            self.assertEqual(w.count, 1)
        (line,) = read_lines(self.path)
        self.assertEqual(line["meta"], {"rank": 0, "vision_zero": {
            "game_id": "g", "spy": 1, "players": [{"player": 1, "image": "/a.png", "role": "spy"},
                                                   {"player": 2, "image": "/b.png", "role": "civilian"}],
            "vote": "N/A", "votes": ["N/A"]}})
        self.assertEqual((line["prompt"], line["components"], "advantage" in line), ("", {"format": 0, "accuracy": -0.5}, False))

    def test_other_weights_need_formats(self):
        with self.assertRaisesRegex(ValueError, r"decision 2: reward -0\.5 is not 0\.3\*\(2\*format-1\) \+ 1\.2\*accuracy"):
            self.write(rewards=[2.49, -0.9, -0.5])
        self.assertFalse(os.path.exists(self.path))  # nothing of the game was written
        self.write(rewards=[2.19, -0.9, -0.9], formats=[True, False, True])
        self.assertEqual([l["components"]["format"] for l in read_lines(self.path)], [1, 0, 1])

    def test_bad_games_are_refused_before_anything_is_written(self):
        with self.assertRaisesRegex(ValueError, "'clevr_epoch_0_sample_7': 2 rewards for 3 decisions"):
            self.write(rewards=[2.49, -0.9])
        with self.assertRaisesRegex(ValueError, r"spy must be a player number 1\.\.4, got 5"):
            self.write(spy=5)
        with self.assertRaisesRegex(ValueError, "clue from player 9, but there are 4 players"):
            self.write(clues=[(9, 1, "x")])
        with self.assertRaisesRegex(ValueError, r"decision 1: a vote must be a player number, 'N/A' or None, got 'two'"):
            self.write(votes=[3, "two", 2])
        with self.assertRaisesRegex(ValueError, r"advantages\[2\] must be a finite number, got nan"):
            self.write(advantages=[1.0, 0.0, float("nan")])
        self.assertFalse(os.path.exists(self.path))


if __name__ == "__main__":
    unittest.main()
