"""Tests for `python -m rollout_lens_logger.convert slime` (stdlib unittest).

The converter needs torch. System python3 has none, so the torch cases run the converter with the
project venv's Python (.venv/sample-grpo, made by `node scripts/python-env.mjs`) and are skipped,
saying so, when that venv is absent. The "torch missing" case runs with a Python that lacks torch.

    python3 -m unittest discover -s test/python -v
"""

import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(REPO, "test", "fixtures", "slime")
VENV_PY = os.path.join(REPO, ".venv", "sample-grpo", "bin", "python")


def has_torch(python):
    if not os.path.exists(python):
        return False
    return subprocess.run([python, "-c", "import torch"], capture_output=True).returncode == 0


TORCH_PY = VENV_PY if has_torch(VENV_PY) else (sys.executable if has_torch(sys.executable) else None)
NO_TORCH_PY = sys.executable if not has_torch(sys.executable) else None
SKIP_WHY = "no Python with torch: run `node scripts/python-env.mjs` to make .venv/sample-grpo"


def convert(python, *args, cwd=None):
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "python"))
    return subprocess.run([python, "-m", "rollout_lens_logger.convert", "slime", *args],
                          capture_output=True, text=True, env=env, cwd=cwd)


def torch_save(python, code, path):
    """Runs `code` (which defines `obj`) in a torch Python and saves obj to path."""
    script = f"import torch, os\n{code}\ntorch.save(obj, {path!r})\n"
    subprocess.run([python, "-c", script], check=True, capture_output=True)


@unittest.skipIf(TORCH_PY is None, SKIP_WHY)
class ConvertSlimeTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def test_dump_converts_to_the_committed_jsonl(self):
        for name in ("data_3", "data_eval_3"):
            out = os.path.join(self.dir, name + ".jsonl")
            r = convert(TORCH_PY, os.path.join(FIXTURE, name + ".pt"), "--out", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, encoding="utf-8") as a, open(os.path.join(FIXTURE, name + ".jsonl"), encoding="utf-8") as b:
                self.assertEqual(a.read(), b.read())
        with open(os.path.join(self.dir, "data_eval_3.jsonl"), encoding="utf-8") as f:
            self.assertIn('"evaluation": true', f.readline())

    def test_a_pickled_callable_is_refused_by_name_and_never_runs(self):
        pt = os.path.join(self.dir, "data_1.pt")
        marker = os.path.join(self.dir, "ran")
        code = (
            "class Payload:\n"
            f"    def __reduce__(self): return (os.system, ('touch {marker}',))\n"
            "obj = {'rollout_id': 1, 'samples': [{'group_index': 0, 'extra': Payload()}]}"
        )
        torch_save(TORCH_PY, code, pt)
        r = convert(TORCH_PY, pt)
        self.assertEqual(r.returncode, 4)
        self.assertIn("refused: it holds classes outside the allow-list (posix.system)", r.stderr)
        self.assertFalse(os.path.exists(marker))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "data_1.jsonl")))

    def test_a_custom_class_is_refused(self):
        pt = os.path.join(self.dir, "data_2.pt")
        code = (
            "import collections\n"
            "Point = collections.namedtuple('Point', 'x y')\n"
            "obj = {'rollout_id': 2, 'samples': [{'group_index': 0, 'p': Point(1, 2)}]}"
        )
        torch_save(TORCH_PY, code, pt)
        r = convert(TORCH_PY, pt)
        self.assertEqual(r.returncode, 4)
        self.assertIn("__main__.Point", r.stderr)

    def test_a_torch_file_that_is_not_a_slime_dump_says_what_it_holds(self):
        pt = os.path.join(self.dir, "weights.pt")
        torch_save(TORCH_PY, "obj = {'w': torch.zeros(2)}", pt)
        r = convert(TORCH_PY, pt)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a slime debug rollout dump (expected keys rollout_id and samples, found w)", r.stderr)


@unittest.skipIf(NO_TORCH_PY is None, "this Python has torch, so the missing-torch message cannot be shown")
class ConvertWithoutTorchTest(unittest.TestCase):
    def test_says_torch_is_missing(self):
        r = convert(NO_TORCH_PY, os.path.join(FIXTURE, "data_3.pt"))
        self.assertEqual(r.returncode, 3)
        self.assertIn("convert slime needs torch", r.stderr)


if __name__ == "__main__":
    unittest.main()
