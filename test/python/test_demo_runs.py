"""The demo's procedural image runs without Pillow: layouts, boxes, rewards and votes (stdlib only).

examples/gui_grounding/make_run.py draws these with Pillow; what it draws and rewards comes from
procedural.py and vision_zero_games.py, checked here with literal expectations.

    python3 -m unittest discover -s test/python -v
"""

import os
import sys
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "examples", "gui_grounding"))

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


class VisionZeroTest(unittest.TestCase):
    def test_decision_reward_table(self):
        # 0.3·(2·fmt_ok − 1) + 1.2·acc + 0.99·[acc > 0]
        cases = [((True, 1.0), 2.49), ((True, -0.5), -0.3), ((True, -1.0), -0.9), ((False, -1.0), -1.5),
                 ((True, 0.5), 1.89), ((True, 0.2), 1.53), ((False, 1.0), 1.89)]
        for (fmt_ok, acc), want in cases:
            with self.subTest(fmt_ok=fmt_ok, acc=acc):
                self.assertAlmostEqual(V.decision_reward(fmt_ok, acc), want)

    def test_accuracy_for_detectives_and_the_spy(self):
        spy = 3
        self.assertEqual([V.accuracy(1, v, spy) for v in (3, "N/A", 2, None)], [1.0, -0.5, -1.0, -1.0])
        self.assertEqual([V.accuracy(3, v, spy) for v in (3, "N/A", 2, None)], [-1.0, 0.2, 0.5, -1.0])

    def test_parse_decision(self):
        self.assertEqual(V.parse_decision("<think>Player 3 was vague. I vote player 3.</think><answer>3</answer>"), (True, 3))
        self.assertEqual(V.parse_decision("<think>Nothing stands out here.</think><answer> N/A </answer>"), (True, "N/A"))
        self.assertEqual(V.parse_decision("<think>short</think><answer>2</answer>"), (False, 2))
        self.assertEqual(V.parse_decision("I vote player 2."), (False, None))

    def test_first_game(self):
        games = list(V.games())
        self.assertEqual([g["group"] for g in games], ["0-game0", "0-game1", "0-game2", "1-game0", "1-game1", "1-game2"])
        g = games[0]
        self.assertEqual((g["spy"], g["changed_index"]), (1, 2))
        self.assertEqual(g["original"][2]["kind"], "circle")
        self.assertEqual(g["changed"][2], {"kind": "square", "colour": "green", "size": "small", "centre": [258, 90], "r": 28})
        self.assertEqual([(d["vote"], d["fmt_ok"], d["acc"], d["reward"]) for d in g["decisions"]],
                         [(3, True, 0.5, 1.89), (None, False, -1.0, -1.5), ("N/A", True, -0.5, -0.3), (1, True, 1.0, 2.49)])


if __name__ == "__main__":
    unittest.main()
