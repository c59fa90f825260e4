"""Tests for the logger's fields of rewards without a verifier (pairwise votes, reward models,
p(reference), stages) and the VeriFree helper (stdlib only; system python3):

    python3 -m unittest discover -s test/python -v
"""

import math
import os
import sys
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python"))

from rollout_lens_logger import RolloutWriter  # noqa: E402
from rollout_lens_logger.verifree import answer_offset, p_from_logp, verifree_fields  # noqa: E402


class JudgingFieldsTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self._tmp.name, "r.jsonl")
        self.w = RolloutWriter(self.path)

    def tearDown(self):
        self.w.close()
        self._tmp.cleanup()

    def lines(self):
        with open(self.path, encoding="utf-8") as f:
            return f.read().split("\n")

    def test_brpo_group_is_written_as_the_extension_reads_it(self):
        self.w.write(2, "g", "Write a poem", "ref", 0.0, pairwise={"reference": True})
        votes = [
            {"order": "ab", "win": True, "score": 7.5, "against_score": 6, "critique": "vivid <b>"},
            {"order": "ba", "win": None},
        ]
        self.w.write(2, "g", "Write a poem", "other", 0.0, advantage=-1, pairwise={"against": 0, "votes": votes})
        self.assertEqual(self.lines(), [
            '{"step":2,"group":"g","index":0,"prompt":"Write a poem","response":"ref","reward":0.0,"pairwise":{"reference":true}}',
            '{"step":2,"group":"g","index":1,"prompt":"Write a poem","response":"other","reward":0.0,"advantage":-1,'
            '"pairwise":{"against":0,"votes":[{"order":"ab","win":true,"score":7.5,"against_score":6,"critique":"vivid <b>"},'
            '{"order":"ba","win":null}]}}',
            "",
        ])

    def test_reward_models_length_range_stage_and_p(self):
        self.w.write(0, "g", "p", "essay", 0.4, components={"length": 0.2, "writing": 0.9, "format": 1},
                     reward_models=["length", "writing", "format"], length_range=[800, 1200], stage="reflect")
        self.w.write(0, "h", "q", "x <answer>", 0.25, logp_reward=math.log(0.25), p_reward=0.25, answer_offset=2)
        self.w.write(0, "h", "q", "none", 0.0, logp_reward=-math.inf, p_reward=0.0)
        self.assertEqual(self.lines()[:3], [
            '{"step":0,"group":"g","index":0,"prompt":"p","response":"essay","reward":0.4,'
            '"components":{"length":0.2,"writing":0.9,"format":1},'
            '"reward_models":["length","writing","format"],"length_range":[800,1200],"stage":"reflect"}',
            '{"step":0,"group":"h","index":0,"prompt":"q","response":"x <answer>","reward":0.25,'
            '"p_reward":0.25,"logp_reward":-1.3862943611198906,"answer_offset":2}',
            '{"step":0,"group":"h","index":1,"prompt":"q","response":"none","reward":0.0,"p_reward":0.0,"logp_reward":null}',
        ])

    def test_bad_values_name_the_sample_and_the_field_and_write_nothing(self):
        cases = [
            ({"pairwise": {"against": 1, "votes": []}, "index": 1},
             "sample (step 1, group 'g'): pairwise.against names the sample itself (index 1)"),
            ({"pairwise": {"against": -1, "votes": []}},
             "pairwise.against (the reference's index in the group) must be an int >= 0, got -1"),
            ({"pairwise": {"against": 0, "votes": [{"order": "ab", "win": 1}, {"order": "ba", "win": True}]}},
             "pairwise.votes[0].win must be True, False or None (a tie), got 1"),
            ({"pairwise": {"against": 0, "votes": [{"order": "ab", "win": True}]}},
             "pairwise.votes has 1 in order ab and 0 in order ba; BRPO judges both orders equally often"),
            ({"pairwise": {"against": 0, "votes": [{"order": "first", "win": True}]}}, "pairwise.votes[0].order must be 'ab'"),
            ({"reward_models": ["length"], "components": {"writing": 1}}, "reward_models names ['length'], not in components"),
            ({"length_range": [1, 2]}, "length_range is read only with reward_models"),
            ({"reward_models": ["a"], "components": {"a": 1}, "length_range": [5, 2]}, "length_range must be [low, high] words"),
            ({"p_reward": 1.5}, "p_reward must be a probability in [0, 1], got 1.5"),
            ({"p_reward": math.nan}, "p_reward must be a probability in [0, 1], got nan"),
            ({"logp_reward": 0.1}, "logp_reward must be a log-probability <= 0 (or -inf), got 0.1"),
            ({"answer_offset": 1}, "answer_offset is read only with p_reward or logp_reward"),
            ({"p_reward": 0.5, "answer_offset": 4}, "answer_offset must be an offset in the response (0-3 UTF-16 code units), got 4"),
            ({"stage": "retry"}, "stage must be one of direct, decompose, reflect, got 'retry'"),
        ]
        for kwargs, message in cases:
            with self.subTest(message=message):
                with self.assertRaises(ValueError) as cm:
                    self.w.write(1, "g", "p", "abc", 0.0, **kwargs)
                self.assertIn(message, str(cm.exception))
                self.assertIn("sample (step 1, group 'g')", str(cm.exception))
        self.assertEqual(self.lines(), [""])


class VeriFreeHelperTest(unittest.TestCase):
    def test_answer_offset_is_the_first_answer_tag_in_utf16_units(self):
        self.assertEqual(answer_offset("think... <answer> \\boxed{2} </answer>"), 9)
        self.assertEqual(answer_offset("a<answer>1</answer> <answer>2"), 1)
        self.assertIsNone(answer_offset("no tag, cut off"))
        # An emoji is one Python character but two UTF-16 units: the extension counts the latter.
        self.assertEqual(answer_offset("🙂 <answer>"), 3)

    def test_fields_for_write(self):
        self.assertEqual(verifree_fields("x<answer>", -0.5), {"p_reward": math.exp(-0.5), "logp_reward": -0.5, "answer_offset": 1})
        self.assertEqual(verifree_fields("x", -math.inf), {"p_reward": 0.0, "logp_reward": -math.inf, "answer_offset": None})
        self.assertEqual(p_from_logp(0.0), 1.0)
        with tempfile.TemporaryDirectory() as d, RolloutWriter(os.path.join(d, "r.jsonl")) as w:
            rec = w.write(0, "g", "q", "x", 0.0, **verifree_fields("x", -math.inf))
        self.assertEqual((rec["p_reward"], rec["logp_reward"], "answer_offset" in rec), (0.0, None, False))


if __name__ == "__main__":
    unittest.main()
