"""Images and boxes in RolloutWriter (stdlib only; a PIL image is stood in for by an object with .save):

    python3 -m unittest discover -s test/python -v
"""

import json
import os
import struct
import sys
import tempfile
import threading
import unittest
import zlib

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python"))

from rollout_lens_logger import RolloutWriter  # noqa: E402
from rollout_lens_logger.images import check_boxes, image_info  # noqa: E402


def png(width, height, rgb):
    """A valid RGB PNG. Deflate level 0 (stored blocks) so the bytes, and their hash, do not depend on zlib's version."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b"")


RED = png(3, 2, (255, 0, 0))
RED_SHA = "9a04bdb06f8832dc838a6b15955aa1c181e5419d86c5a782161405e75bcbaaee"
BLUE = png(1, 1, (0, 0, 255))

# Headers only: enough bytes for the size readers (the files need not decode).
JPEG = (b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", 600, 800) + b"\x03" + b"\x00" * 9 + b"\xff\xd9")
GIF = b"GIF89a" + struct.pack("<HH", 320, 200) + b"\x00" * 8
WEBP_LOSSY = b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", 640, 480)
WEBP_LOSSLESS = b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f" + ((99) | (49 << 14)).to_bytes(4, "little")
WEBP_EXTENDED = b"RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00" + (1279).to_bytes(3, "little") + (799).to_bytes(3, "little")
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


class FakePilImage:
    """Duck-typed like PIL.Image.Image: the writer only calls .save(fp, format=...)."""

    def __init__(self, data):
        self.data = data
        self.formats = []

    def save(self, fp, format=None):
        self.formats.append(format)
        fp.write(self.data)


class ImageInfoTest(unittest.TestCase):
    def test_types_and_sizes_from_headers(self):
        self.assertEqual(image_info(RED, "x"), ("png", 3, 2))
        self.assertEqual(image_info(JPEG, "x"), ("jpg", 800, 600))
        self.assertEqual(image_info(GIF, "x"), ("gif", 320, 200))
        self.assertEqual(image_info(WEBP_LOSSY, "x"), ("webp", 640, 480))
        self.assertEqual(image_info(WEBP_LOSSLESS, "x"), ("webp", 100, 50))
        self.assertEqual(image_info(WEBP_EXTENDED, "x"), ("webp", 1280, 800))

    def test_refuses_svg_unknown_and_broken(self):
        cases = [(SVG, "SVG images are refused"), (b"BM\x00\x00", "not a PNG, JPEG, WebP or GIF"),
                 (RED[:20], "broken png header"), (b"\xff\xd8\xff\xd9", "broken jpg header")]
        for data, message in cases:
            with self.subTest(message=message), self.assertRaises(ValueError) as ctx:
                image_info(data, "sample (step 0, group 'g') images[0]")
            self.assertIn(message, str(ctx.exception))
            self.assertIn("sample (step 0, group 'g') images[0]", str(ctx.exception))


class WriterImagesTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name
        self.out = os.path.join(self.dir, "run", "rollouts.jsonl")

    def tearDown(self):
        self._tmp.cleanup()

    def lines(self):
        with open(self.out, encoding="utf-8") as f:
            return f.read().split("\n")

    def test_exact_line_and_one_file_per_content(self):
        src = os.path.join(self.dir, "shot.png")
        with open(src, "wb") as f:
            f.write(RED)
        pil = FakePilImage(RED)
        with RolloutWriter(self.out) as w:
            w.write(0, "g", "click Save", "a", 0.5, images=[RED],
                    boxes={"pred": [[0, 0, 2, 1]], "gt": [[1, 0, 3, 2]], "image": 0, "frame": "original"})
            w.write(0, "g", "click Save", "b", 0.0, images=[src])  # a path: copied, same content
            w.write(0, "g", "click Save", "c", 0.0, images=[pil, BLUE])
        self.assertEqual(pil.formats, ["PNG"])
        self.assertEqual(self.lines()[0],
                         '{"step":0,"group":"g","index":0,"prompt":"click Save","response":"a","reward":0.5,'
                         f'"images":[{{"path":"images/{RED_SHA}.png","width":3,"height":2}}],'
                         '"boxes":{"pred":[[0,0,2,1]],"gt":[[1,0,3,2]],"image":0,"frame":"original"}}')
        rows = [json.loads(x) for x in self.lines()[:3]]
        self.assertEqual(rows[1]["images"], rows[0]["images"])
        self.assertEqual([r["path"] for r in rows[2]["images"]][0], f"images/{RED_SHA}.png")
        self.assertEqual(rows[2]["images"][1]["width"], 1)
        stored = sorted(os.listdir(os.path.join(self.dir, "run", "images")))
        self.assertEqual(len(stored), 2)  # RED once for three samples, BLUE once
        self.assertIn(f"{RED_SHA}.png", stored)
        with open(os.path.join(self.dir, "run", "images", f"{RED_SHA}.png"), "rb") as f:
            self.assertEqual(f.read(), RED)

    def test_copy_images_false_writes_the_absolute_path(self):
        src = os.path.join(self.dir, "shot.gif")
        with open(src, "wb") as f:
            f.write(GIF)
        with RolloutWriter(self.out, copy_images=False) as w:
            w.write(1, "g", "p", "r", 1, images=[src])
            w.write(1, "g", "p", "r", 1, images=[src], copy_images=True)  # per-sample override
        rows = [json.loads(x) for x in self.lines()[:2]]
        self.assertEqual(rows[0]["images"], [{"path": os.path.abspath(src), "width": 320, "height": 200}])
        self.assertEqual(rows[1]["images"][0]["path"][:7], "images/")
        self.assertEqual(os.listdir(os.path.join(self.dir, "run", "images")), [rows[1]["images"][0]["path"][7:]])

    def test_turn_images_and_ready_references(self):
        turns = [{"role": "environment", "content": "PLAYER 1: a red cube", "images": [BLUE]},
                 {"role": "assistant", "content": "I vote player 3"}]
        with RolloutWriter(self.out) as w:
            w.write(0, "g", "p", "I vote player 3", 1, turns=turns,
                    images=[{"dataset": "d.parquet", "row": 3, "column": "images"}, {"url": "https://x/y.png"}])
        row = json.loads(self.lines()[0])
        self.assertEqual(row["turns"][0]["images"][0]["width"], 1)
        self.assertEqual(row["turns"][0]["images"][0]["path"][-4:], ".png")
        self.assertNotIn("images", row["turns"][1])
        self.assertEqual(turns[0]["images"], [BLUE])  # the caller's turns are not changed
        self.assertEqual(row["images"], [{"dataset": "d.parquet", "row": 3, "column": "images"}, {"url": "https://x/y.png"}])

    def test_errors_name_the_sample_and_write_nothing(self):
        with RolloutWriter(self.out) as w:
            cases = [
                (dict(images=[RED, SVG]), "sample (step 2, group 'g7') images[1]: SVG images are refused"),
                (dict(images=[os.path.join(self.dir, "missing.png")]), "sample (step 2, group 'g7') images[0]: cannot read"),
                (dict(images=[42]), "images[0]: an image must be a file path, bytes or a PIL image"),
                (dict(images=RED), "images must be a list of images"),
                (dict(images=[{"path": "a.png", "url": "b"}]), "exactly one of path, url, dataset"),
                (dict(turns=[{"role": "user", "content": "x", "images": [b"nope"]}]), "turns[0].images[0]: not a PNG"),
                (dict(images=[RED], boxes={"pred": [[1, 2, 3]]}), "boxes.pred[0] must be 4 finite numbers"),
                (dict(images=[RED], boxes={"gt": [[1, 2, 3, float("nan")]]}), "boxes.gt[0] must be 4 finite numbers"),
                (dict(images=[RED], boxes={"pred": [], "image": 1}), "boxes.image is 1 but the sample has 1 image(s)"),
                (dict(boxes={"pred": [], "frame": "pixels"}), "boxes.frame must be 'original' or 'input'"),
                (dict(boxes={"pred": [], "scale": 2}), "boxes: unknown key(s) ['scale']"),
            ]
            for kwargs, message in cases:
                with self.subTest(message=message), self.assertRaises(ValueError) as ctx:
                    w.write(2, "g7", "p", "r", 0, **kwargs)
                self.assertIn(message, str(ctx.exception))
            self.assertEqual(w.count, 0)
        self.assertEqual(self.lines(), [""])

    def test_threads_storing_the_same_image(self):
        with RolloutWriter(self.out) as w:
            def log(t):
                for i in range(20):
                    w.write(0, f"g{t}", "p", str(i), 0, images=[RED, png(1, 1, (t, i, 0))])
            threads = [threading.Thread(target=log, args=(t,)) for t in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        rows = [json.loads(x) for x in self.lines() if x]
        self.assertEqual(len(rows), 120)
        self.assertEqual({r["images"][0]["path"] for r in rows}, {f"images/{RED_SHA}.png"})
        stored = os.listdir(os.path.join(self.dir, "run", "images"))
        self.assertEqual(len(stored), 121)  # RED once, 120 distinct 1×1 pictures, no .tmp left behind
        with open(os.path.join(self.dir, "run", "images", f"{RED_SHA}.png"), "rb") as f:
            self.assertEqual(f.read(), RED)

    def test_boxes_defaults_bare_box_and_input_frame(self):
        self.assertEqual(check_boxes({"pred": [10, 20, 30, 40.5]}, 0, "b"),
                         {"pred": [[10, 20, 30, 40.5]], "gt": [], "image": 0, "frame": "original"})
        self.assertEqual(check_boxes({"gt": [(1, 2, 3, 4)], "frame": "input", "input_size": (1000, 1000)}, 2, "b"),
                         {"pred": [], "gt": [[1, 2, 3, 4]], "image": 0, "frame": "input", "input_size": [1000, 1000]})
        # x2 < x1 is kept: the views draw such a box flagged rather than lose it.
        self.assertEqual(check_boxes({"pred": [[30, 0, 10, 5]]}, 1, "b")["pred"], [[30, 0, 10, 5]])


if __name__ == "__main__":
    unittest.main()
