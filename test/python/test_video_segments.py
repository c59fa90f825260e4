"""The companion logger's video and segments (docs/native-format.md#video-and-segments): paths kept
relative under the run folder, never copied; segments validated; bad values refused naming the sample."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

from rollout_lens_logger import RolloutWriter  # noqa: E402


class VideoSegmentsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.path = os.path.join(self.dir, "rollouts.jsonl")

    def lines(self):
        with open(self.path) as f:
            return [json.loads(x) for x in f]

    def test_writes_video_and_segments(self):
        with RolloutWriter(self.path) as w:
            w.write(1, "q", "when does the door open?", "<answer>12.5 to 17</answer>", 0.6,
                    video={"path": os.path.join(self.dir, "videos", "a.mp4"), "duration": 30.1},
                    segments={"pred": [12.5, 17], "gt": [[11, 18.4]]})
            w.write(1, "q", "when does the door open?", "no idea", 0.0,
                    video="/data/charades/b.mp4", segments={"pred": [], "gt": [[11, 18.4]], "unparsed": "no <answer> block"})
        first, second = self.lines()
        self.assertEqual(first["video"], {"path": "videos/a.mp4", "duration": 30.1})
        self.assertEqual(first["segments"], {"pred": [[12.5, 17]], "gt": [[11, 18.4]]})
        self.assertEqual(second["video"], {"path": "/data/charades/b.mp4"})
        self.assertEqual(second["segments"], {"pred": [], "gt": [[11, 18.4]], "unparsed": "no <answer> block"})
        # A video is never copied beside the run.
        self.assertEqual(sorted(os.listdir(self.dir)), ["rollouts.jsonl"])

    def test_refuses_bad_values_naming_the_sample(self):
        with RolloutWriter(self.path) as w:
            with self.assertRaisesRegex(ValueError, r"sample \(step 2, group 'g'\) segments.pred\[0\] must be \[start, end\] in seconds"):
                w.write(2, "g", "p", "r", 0.0, segments={"pred": [[1, 2, 3]]})
            with self.assertRaisesRegex(ValueError, r"video.duration must be a number of seconds > 0"):
                w.write(2, "g", "p", "r", 0.0, video={"path": "a.mp4", "duration": 0})
            with self.assertRaisesRegex(ValueError, r"segments: unknown key\(s\) \['frames'\]"):
                w.write(2, "g", "p", "r", 0.0, segments={"pred": [], "frames": 3})
        self.assertEqual(self.lines(), [])


if __name__ == "__main__":
    unittest.main()
