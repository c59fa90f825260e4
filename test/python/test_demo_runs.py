"""The demo's procedural image runs without Pillow: layouts, boxes, rewards and votes (stdlib only).

examples/gui_grounding/make_run.py draws these with Pillow; what it draws and rewards comes from
procedural.py and vision_zero_games.py, checked here with literal expectations.

    python3 -m unittest discover -s test/python -v
"""

import hashlib
import json
import os
import struct
import sys
import tempfile
import unittest
import zlib

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "examples", "gui_grounding"))

import make_run  # noqa: E402
import procedural as P  # noqa: E402
import vision_zero_games as V  # noqa: E402


class GuiGroundingTest(unittest.TestCase):
    def test_step0_group0_prompt_and_boxes(self):
        k, layout, el = P.group_prompt(0, 0)
        self.assertEqual((k, el), (0, {"kind": "item", "label": "Favourites", "box": [105, 178, 295, 206]}))
        self.assertEqual(P.instruction(el), "go to Favourites")
        others = [e["box"] for e in layout["elements"] if e is not el]
        self.assertEqual(P.predicted_boxes(0, 0, el["box"], others), [
            [303, 218, 511, 249], [880, 377, 950, 404], [0, 131, 67, 152], [379, 154, 538, 177],
            [241, 136, 409, 161], [0, 204, 105, 225], [134, 157, 309, 183], [131, 65, 162, 80]])

    def test_first_sample_as_written(self):
        first = next(P.samples())
        self.assertEqual(first["response"],
                         "<think>I need the element that lets me go to Favourites. 'Favourites' appears in the sidebar; "
                         'that is the sidebar entry to select.</think><answer>{"bbox_2d": [303, 218, 511, 249]}</answer>')
        self.assertEqual((first["reward"], first["components"], first["correct"]),
                         (0.0, {"iou": 0.0, "hit": 0, "box_area": 6448}, False))
        self.assertEqual(first["boxes"], {"pred": [[303, 218, 511, 249]], "gt": [[105, 178, 295, 206]], "image": 0,
                                          "frame": "original"})
        self.assertEqual(first["ground_truth"], {"bbox_2d": [105, 178, 295, 206], "width": 1280, "height": 800})

    def test_boxes_grow_while_the_hit_rate_rises(self):
        rows = list(P.samples())
        self.assertEqual(len(rows), 12 * 8 * 8)
        per_step = {}
        for r in rows:
            hits, area = per_step.get(r["step"], (0, 0))
            per_step[r["step"]] = (hits + r["components"]["hit"], area + r["components"]["box_area"])
        # 64 samples a step: hits 7 -> 55, summed box area 140900 -> 837727 px².
        self.assertEqual(per_step[0], (7, 140900))
        self.assertEqual(per_step[11], (55, 837727))

    def test_iou_hit_area(self):
        self.assertAlmostEqual(P.iou([0, 0, 10, 10], [5, 5, 15, 15]), 25 / 175)
        self.assertEqual(P.iou([0, 0, 10, 10], [10, 0, 20, 10]), 0.0)  # touching edges share no area
        self.assertEqual(P.hit([0, 0, 10, 10], [5, 5, 15, 15]), 1)  # centre (5, 5) on the target's edge
        self.assertEqual(P.hit([0, 0, 8, 8], [5, 5, 15, 15]), 0)
        self.assertEqual(P.components([100, 100, 150, 120], [100, 100, 120, 120]),
                         {"iou": 0.4, "hit": 0, "box_area": 1000})  # twice the size and more: centre outside


def tiny_png(rgb):
    """A 2×2 PNG of one colour (zlib and CRC-32 by hand): what render.scene_png returns, without Pillow."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(rgb) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class FakeRender:
    """Stands in for render.py: a scene becomes a PNG whose colour says which scene it is."""

    @staticmethod
    def scene_png(shapes):
        return tiny_png(hashlib.sha256(json.dumps(shapes, sort_keys=True).encode()).digest()[:3])


class VisionZeroTest(unittest.TestCase):
    def test_decision_reward_table(self):
        # 0.3·(2·fmt_ok − 1) + 1.2·acc + 0.99·[acc > 0]
        cases = [((True, 1.0), 2.49), ((True, -0.5), -0.3), ((True, -1.0), -0.9), ((False, -1.0), -1.5),
                 ((False, 1.0), 1.89), ((False, -0.5), -0.9)]
        for (fmt_ok, acc), want in cases:
            with self.subTest(fmt_ok=fmt_ok, acc=acc):
                self.assertAlmostEqual(V.decision_reward(fmt_ok, acc), want)

    def test_accuracy_of_a_god_decision(self):
        self.assertEqual([V.accuracy(v, 3) for v in (3, "N/A", 2, None)], [1.0, -0.5, -1.0, -1.0])

    def test_parse_decision(self):
        self.assertEqual(V.parse_decision("<think>Player 3 was vague. I vote player 3.</think><answer>3</answer>"), (True, 3))
        self.assertEqual(V.parse_decision("<think>Nothing stands out here.</think><answer> N/A </answer>"), (True, "N/A"))
        self.assertEqual(V.parse_decision("<think>short</think><answer>2</answer>"), (False, 2))
        self.assertEqual(V.parse_decision("I vote player 2."), (False, None))

    def test_normalise_as_vision_zero(self):
        self.assertEqual(V.normalise([-0.9, 2.49, -0.9, -1.5]),
                         [-0.44322413281489936, 1.710940469683321, -0.44322413281489936, -0.8244922040535224])
        self.assertEqual(V.normalise([2.49, 2.49]), [0.0, 0.0])  # no spread: R − mean, no division

    def test_first_game(self):
        games = list(V.games())
        self.assertEqual([g["group"] for g in games], ["0-game0", "0-game1", "0-game2", "1-game0", "1-game1", "1-game2"])
        g = games[0]
        self.assertEqual((g["spy"], g["changed_index"]), (1, 2))
        self.assertEqual(g["original"][2]["kind"], "circle")
        self.assertEqual(g["changed"][2], {"kind": "square", "colour": "green", "size": "small", "centre": [258, 90], "r": 28})
        self.assertEqual([(d["vote"], d["fmt_ok"], d["acc"], d["reward"]) for d in g["decisions"]],
                         [(3, True, -1.0, -0.9), (1, True, 1.0, 2.49), (3, True, -1.0, -0.9), (None, False, -1.0, -1.5)])
        # The decision skill improves: the spy is caught in 1 of 12 decisions at step 0, 7 of 12 at step 1.
        caught = [sum(d["vote"] == g["spy"] for g in games if g["step"] == s for d in g["decisions"]) for s in (0, 1)]
        self.assertEqual(caught, [1, 7])

    def test_written_by_the_vision_zero_logger(self):
        with tempfile.TemporaryDirectory() as folder:
            self.assertEqual(make_run.write_vision_zero(folder, FakeRender), 24)
            with open(os.path.join(folder, "rollouts.jsonl"), encoding="utf-8") as f:
                lines = [json.loads(line) for line in f]
            self.assertEqual(len(os.listdir(os.path.join(folder, "images"))), 12)  # 6 games × (original, spy's)
        first = lines[0]
        self.assertEqual((first["group"], first["index"], first["reward"], first["advantage"], first["correct"]),
                         ("0-game0", 0, -0.9, -0.44322413281489936, False))
        self.assertEqual((first["components"], first["ground_truth"]), ({"format": 1, "accuracy": -1.0}, "1"))
        self.assertEqual([t["content"] for t in first["turns"][:-1]], [
            "Player 1 (spy), round 1: There is a large red square at the bottom left.",
            "Player 2 (civilian), round 1: There is a large blue circle at the top left.",
            "Player 3 (civilian), round 1: There is a small green circle at the top middle.",
            "Player 4 (civilian), round 1: There is a large blue circle at the top left.",
        ])
        vz = first["meta"]["vision_zero"]
        spy_pic, original = vz["players"][0]["image"], vz["players"][1]["image"]
        self.assertNotEqual(spy_pic, original)
        self.assertEqual([t["images"] for t in first["turns"][:-1]],
                         [[{"path": spy_pic}], [{"path": original}], [{"path": original}], [{"path": original}]])
        self.assertEqual((first["images"], vz["original_image"]), ([{"path": original}], original))
        self.assertEqual((vz["spy"], vz["vote"], vz["votes"]), (1, 3, [3, 1, 3, None]))
        self.assertEqual((first["meta"]["changed_object"], first["meta"]["procedural"]), (2, True))


if __name__ == "__main__":
    unittest.main()
