"""examples/video_grounding/make_run.py without ffmpeg: the procedural run's lines, deterministic."""

import importlib.util
import json
import os
import tempfile
import unittest

HERE = os.path.dirname(__file__)
# Loaded under its own name: examples/gui_grounding has a make_run.py too.
_spec = importlib.util.spec_from_file_location(
    "video_make_run", os.path.join(HERE, "..", "..", "examples", "video_grounding", "make_run.py"))
make_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_run)


class VideoDemoTest(unittest.TestCase):
    def test_run_lines(self):
        out = tempfile.mkdtemp()
        self.assertEqual(make_run.main(["--out", out]), 0)
        with open(os.path.join(out, make_run.RUN, "rollouts.jsonl")) as f:
            rows = [json.loads(x) for x in f]
        self.assertEqual(len(rows), 480)
        first = rows[0]
        self.assertEqual(first["segments"], {"pred": [[5.0, 8.0]], "gt": [[4.0, 7.5]]})
        self.assertEqual(first["video"], {"path": "videos/clip0.mp4", "duration": 20.0})
        self.assertEqual(first["reward"], 0.625)
        unparsable = [r for r in rows if not r["segments"]["pred"]]
        self.assertEqual([r["step"] for r in unparsable][:3], [0, 0, 0])
        self.assertTrue(all(r["segments"]["unparsed"] == "no <answer> block" for r in unparsable))

        def mean_length(step):
            seg = [r["segments"]["pred"][0] for r in rows if r["step"] == step and r["segments"]["pred"]]
            return sum(e - s for s, e in seg) / len(seg)

        # Segments widen over the steps (what segment_growth looks for).
        self.assertLess(mean_length(0), 4.0)
        self.assertGreater(mean_length(9), 7.0)


if __name__ == "__main__":
    unittest.main()
