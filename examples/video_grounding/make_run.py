"""A procedural temporal-grounding run (NOT a model): short generated videos, "when does X appear?",
and G = 8 predicted segments per question whose length grows over the steps under an IoU reward,
so Rollout Lens's `segment_growth` alert fires (docs/algorithms.md). Written with the companion
logger's `video=` and `segments=` (python/README.md).

    python3 examples/video_grounding/make_run.py --out DIR [--ffmpeg PATH]

- DIR/video-grounding-procedural/videos/clip{k}.mp4: 20 s, 320×180, 10 fps, a black field where one
  coloured shape is shown during the target interval (made with ffmpeg's lavfi `color` source and a
  timed `drawbox`); without ffmpeg the videos are not made and the run still has its timeline.
- DIR/video-grounding-procedural/rollouts.jsonl: 10 steps × 6 questions × 8 answers
  `<think>…</think><answer>s to e</answer>`, rewarded by temporal IoU (VideoChat-R1's reward), a few
  answers without an <answer> block (unparsable) early on.
Deterministic (fixed seed); idempotent (a run written by the same source is kept).
"""

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

from rollout_lens_logger import RolloutWriter  # noqa: E402

RUN = "video-grounding-procedural"
DURATION = 20.0
STEPS, QUESTIONS, G = 10, 6, 8
CLIPS = [  # (colour, shape word, start, end)
    ("red", "square", 4.0, 7.5), ("green", "square", 11.0, 14.0), ("blue", "bar", 2.0, 5.0),
    ("yellow", "square", 14.5, 18.0), ("magenta", "bar", 8.0, 10.5), ("cyan", "square", 6.0, 12.0),
]


def tiou(a, b):
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 1.0


def answer(rng, step, gt):
    """One prediction: centred near the target, its length growing from ~0.8× to ~2.6× the target's."""
    length = (gt[1] - gt[0]) * (0.8 + 0.2 * step) * rng.uniform(0.85, 1.15)
    centre = (gt[0] + gt[1]) / 2 + rng.gauss(0, 1.2)
    s = max(0.0, round(centre - length / 2, 1))
    e = min(DURATION, round(centre + length / 2, 1))
    return s, e


def make_videos(folder, ffmpeg):
    os.makedirs(folder, exist_ok=True)
    for k, (colour, shape, s, e) in enumerate(CLIPS):
        w, h = (60, 60) if shape == "square" else (160, 24)
        box = f"drawbox=x=(iw-{w})/2:y=(ih-{h})/2:w={w}:h={h}:color={colour}:t=fill:enable='between(t,{s},{e})'"
        subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c=black:s=320x180:r=10:d={DURATION}",
                        "-vf", box, "-pix_fmt", "yuv420p", os.path.join(folder, f"clip{k}.mp4")], check=True)


def write_run(folder):
    rng = random.Random(27)
    with RolloutWriter(os.path.join(folder, "rollouts.jsonl")) as w:
        for step in range(STEPS):
            for q in range(QUESTIONS):
                colour, shape, s, e = CLIPS[q]
                gt = [s, e]
                prompt = f"<video>\nWhen does the {colour} {shape} appear? Answer as <answer>start to end</answer> in seconds."
                for i in range(G):
                    video = {"path": os.path.join(folder, "videos", f"clip{q}.mp4"), "duration": DURATION}
                    if rng.random() < max(0.0, 0.15 - 0.02 * step):
                        w.write(step, f"{step}-q{q}", prompt, f"<think>I watched the {shape}.</think> It shows up in the middle.", 0.0,
                                video=video, segments={"pred": [], "gt": [gt], "unparsed": "no <answer> block"},
                                components={"iou": 0.0, "format": 0.0})
                        continue
                    ps, pe = answer(rng, step, gt)
                    iou = round(tiou((ps, pe), gt), 6)
                    text = f"<think>The {colour} {shape} is visible from about {ps} s to {pe} s.</think><answer>{ps} to {pe}</answer>"
                    w.write(step, f"{step}-q{q}", prompt, text, iou, video=video, segments={"pred": [[ps, pe]], "gt": [gt]},
                            components={"iou": iou, "format": 1.0}, ground_truth=f"[{s}, {e}]",
                            meta={"procedural": True})
        return w.count


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--ffmpeg", help="an ffmpeg binary (the videos are skipped without one)")
    args = ap.parse_args(argv)
    folder = os.path.join(os.path.abspath(args.out), RUN)
    with open(os.path.abspath(__file__), "rb") as f:
        stamp = hashlib.sha256(f.read() + str(bool(args.ffmpeg)).encode()).hexdigest()
    stamp_file = os.path.join(folder, ".make_run.sha256")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        print(f"{RUN}: up to date in {folder}")
        return 0
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    if args.ffmpeg:
        make_videos(os.path.join(folder, "videos"), args.ffmpeg)
    n = write_run(folder)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    print(f"{RUN}: {n} samples{'' if args.ffmpeg else ' (no videos: no ffmpeg given)'} in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
