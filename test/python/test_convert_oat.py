"""Tests for `python -m rollout_lens_logger.convert oat` (stdlib only; system python3).

test/fixtures/oat/buffer_step00004.pkl is made by make_buffer.py next to it: oat and VeriFree do
not install here (they need GPUs), so that script defines a dataclass with the module path
(`utils.types`) and field names of VeriFree's VeriFreeTrajectoryData and pickles the buffer with
pandas as oat does. The hostile and malformed pickles are made here with the stdlib.

    python3 -m unittest discover -s test/python -v
"""

import collections
import io
import json
import math
import os
import pickle
import subprocess
import sys
import tempfile
import types
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(REPO, "test", "fixtures", "oat", "buffer_step00004.pkl")
sys.path.insert(0, os.path.join(REPO, "python"))

from rollout_lens_logger.oat import OatUnpickler  # noqa: E402

PROMPT = ("<|im_start|>user\n{}\nPlease reason step by step, and put your final answer within <answer> \\boxed{{}} "
          "</answer>.<|im_end|>\n<|im_start|>assistant\n")


def convert(*args):
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "python"))
    return subprocess.run([sys.executable, "-m", "rollout_lens_logger.convert", "oat", *args],
                          capture_output=True, text=True, env=env)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class ConvertOatTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def test_the_buffer_becomes_native_lines_and_says_what_is_missing(self):
        out = os.path.join(self.dir, "b.jsonl")
        r = convert(FIXTURE, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, f"{FIXTURE}: 6 samples -> {out}\n")
        self.assertIn(f"{FIXTURE}: warning: 4 of 6 samples have no reward: the reward was not yet computed when oat "
                      "dumped this buffer", r.stderr)
        lines = read_lines(out)
        self.assertEqual([(s["step"], s["group"], s["index"]) for s in lines],
                         [(4, "4-0-0", 0), (4, "4-0-0", 1), (4, "4-0-1", 0), (4, "4-0-1", 1), (4, "4-1-0", 0), (4, "4-1-0", 1)])
        self.assertEqual(lines[0], {
            "step": 4, "group": "4-0-0", "index": 0, "prompt": PROMPT.format("What is 2+2?"),
            "response": "2 plus 2 is 4. <answer> \\boxed{4} </answer>", "reward": 0.0, "ground_truth": "4",
            "finish_reason": "stop", "response_ids": [11, 12, 13], "logprobs": [-0.25, -0.5, -0.125],
            "meta": {"oat": {"rank": 0, "loss_mask": True, "no_eos": False, "end_with_eos": False, "think_tokens": 5,
                             "answer_tokens": 3, "reference_answer_text": "> \\boxed{4} </answer>", "reward_computed": False}},
        })
        for s in lines[:4]:  # fresh from the actor: no reward, so no p(reference) either
            self.assertEqual((s["reward"], "p_reward" in s, "answer_offset" in s), (0.0, False, False))
        # numpy's bool no_eos: the truncated response
        self.assertEqual((lines[2]["finish_reason"], lines[2]["meta"]["oat"]["no_eos"]), ("length", True))
        # Rank 1's group was scored by an earlier learn(): p = exp(logp); -inf (no <answer) is p = 0.
        self.assertEqual({k: lines[4][k] for k in ("reward", "p_reward", "logp_reward", "answer_offset")},
                         {"reward": 0.6065306597126334, "p_reward": 0.6065306597126334, "logp_reward": -0.5, "answer_offset": 7})
        self.assertEqual(lines[4]["reward"], math.exp(-0.5))
        self.assertEqual({k: lines[5].get(k, "absent") for k in ("reward", "p_reward", "logp_reward", "answer_offset")},
                         {"reward": 0.0, "p_reward": 0.0, "logp_reward": None, "answer_offset": "absent"})
        # The dump's refs are rank 0's batch: rank 1's prompt has none.
        self.assertNotIn("ground_truth", lines[4])

    def test_group_size_blocks_match_and_a_wrong_one_is_refused(self):
        out = os.path.join(self.dir, "b.jsonl")
        self.assertEqual(convert(FIXTURE, "--out", out, "--group-size", "2").returncode, 0)
        self.assertEqual([s["group"] for s in read_lines(out)], ["4-0-0", "4-0-0", "4-0-1", "4-0-1", "4-1-0", "4-1-0"])
        r = convert(FIXTURE, "--out", out, "--group-size", "4")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, f"{FIXTURE}: rank 0: trajectories 0-3 do not share one prompt; is --group-size oat's --num_samples?\n")
        r = convert(FIXTURE, "--out", out, "--group-size", "3")
        self.assertEqual(r.stderr, f"{FIXTURE}: rank 0 holds 4 trajectories, not a multiple of --group-size 3\n")

    def test_a_pickled_call_is_refused_by_name_and_never_runs(self):
        pkl = os.path.join(self.dir, "buffer_step00001.pkl")
        marker = os.path.join(self.dir, "ran")
        with open(pkl, "wb") as f:
            pickle.dump((["p"], ["r"], [collections.deque([Payload(marker)])]), f, protocol=5)
        r = convert(pkl)
        self.assertEqual(r.returncode, 4)
        self.assertEqual(r.stderr, f"{pkl}: refused: the pickle refers to posix.system, which is outside the allow-list "
                                   "(VeriFree's trajectory data, deque, numpy scalars); it was not called\n")
        self.assertFalse(os.path.exists(marker))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "buffer_step00001.jsonl")))

    def test_numpy_1_scalars_are_read_without_numpy(self):
        # oat 0.1.3 pins numpy 1.26, whose scalars pickle under numpy.core.multiarray.
        fake_np, fake_core = types.ModuleType("numpy"), types.ModuleType("numpy.core.multiarray")

        class dtype:  # noqa: N801 - numpy's own name, so that it pickles as numpy.dtype
            def __init__(self, code):
                self.code = code

            def __reduce__(self):
                return (dtype, (self.code, False, True), (3, "<", None, None, None, -1, -1, 0))

        def scalar(*a):
            raise AssertionError("never called here")

        dtype.__module__, dtype.__qualname__ = "numpy", "dtype"
        scalar.__module__, scalar.__qualname__ = "numpy.core.multiarray", "scalar"
        fake_np.dtype, fake_core.scalar = dtype, scalar

        class F64:
            def __reduce__(self):
                return (scalar, (dtype("f8"), b"\x00\x00\x00\x00\x00\x00\xd0?"))  # 0.25, little-endian

        saved = {k: sys.modules.get(k) for k in ("numpy", "numpy.core.multiarray")}
        sys.modules.update({"numpy": fake_np, "numpy.core.multiarray": fake_core})
        try:
            data = pickle.dumps((["p"], [], [[]], F64()), protocol=5)
        finally:
            for k, v in saved.items():
                if v is None:
                    sys.modules.pop(k, None)
                else:
                    sys.modules[k] = v
        self.assertEqual(OatUnpickler(io.BytesIO(data)).load()[3], 0.25)

    def test_other_pickles_say_what_they_hold(self):
        pkl = os.path.join(self.dir, "buffer_step00002.pkl")
        with open(pkl, "wb") as f:
            pickle.dump({"a": 1}, f)
        r = convert(pkl)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, f"{pkl}: not an oat replay dump (expected (processed_prompts, refs, [one buffer per rank]), found dict)\n")
        with open(pkl, "wb") as f:
            f.write(b"not a pickle")
        r = convert(pkl)
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{pkl}: cannot be read as an oat replay dump (UnpicklingError", r.stderr)
        other = os.path.join(self.dir, "replay.pkl")
        os.rename(pkl, other)
        r = convert(other)
        self.assertEqual(r.stderr, f"{other}: the step is read from a name like buffer_step00010.pkl; pass --step N\n")


if __name__ == "__main__":
    unittest.main()
