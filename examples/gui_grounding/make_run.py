"""Writes the demo's two procedural image runs (NOT a model) as native JSONL with the companion logger.

    python examples/gui_grounding/make_run.py --out DIR [--force]

- DIR/gui-grounding-procedural/rollouts.jsonl: GUI grounding on generated 1280×800 screenshots,
  12 steps × 8 groups × 8 boxes, rewarded by IoU alone; the boxes grow while the hit rate rises, so
  Rollout Lens's `box_growth` alert fires (procedural.py);
- DIR/vision-zero-procedural/rollouts.jsonl: Vision-Zero style "who's the spy" games on generated
  shape scenes, 2 steps × 3 games, one group of 4 God decisions per game (vision_zero_games.py), written by
  rollout_lens_logger.vision_zero.write_vision_zero_game.

Images go beside each rollout file under images/, one file per content (rollout_lens_logger).
Deterministic (fixed seeds). Idempotent: a run already written by the same sources is kept
(DIR/.make_run.sha256 records their hash). Needs Pillow (render.py); the rest is stdlib.
"""

import argparse
import hashlib
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "python"))

import procedural as P  # noqa: E402
import vision_zero_games as V  # noqa: E402
from rollout_lens_logger import RolloutWriter  # noqa: E402
from rollout_lens_logger.images import ImageStore  # noqa: E402
from rollout_lens_logger.vision_zero import clue_turns, write_vision_zero_game  # noqa: E402

GUI_RUN = "gui-grounding-procedural"
VZ_RUN = "vision-zero-procedural"
SOURCES = [os.path.join(HERE, f) for f in ("make_run.py", "procedural.py", "vision_zero_games.py", "render.py")] + [
    os.path.join(REPO, "python", "rollout_lens_logger", f) for f in ("writer.py", "images.py", "vision_zero.py")]


def sources_hash():
    h = hashlib.sha256()
    for path in SOURCES:
        with open(path, "rb") as f:
            h.update(os.path.basename(path).encode() + b"\0" + f.read() + b"\0")
    return h.hexdigest()


def write_gui(folder, render):
    cache = {}
    with RolloutWriter(os.path.join(folder, "rollouts.jsonl")) as w:
        for s in P.samples():
            k = s.pop("screen")
            if k not in cache:
                cache[k] = render.screen_png(P.screen_layout(k))
            w.write(s.pop("step"), s.pop("group"), s.pop("prompt"), s.pop("response"), s.pop("reward"),
                    images=[cache[k]], finish_reason="stop", data_source="procedural-gui", **s)
        return w.count


def write_vision_zero(folder, render):
    # The logger takes the players' images as paths: the scenes are stored beside the rollout file
    # the way the writer stores images (images/<sha256>.png, one file per content) and named relative to it.
    store = ImageStore(folder)
    with RolloutWriter(os.path.join(folder, "rollouts.jsonl")) as w:
        for g in V.games():
            original = store.ref(render.scene_png(g["original"]), f"game {g['group']} original")["path"]
            spy_pic = store.ref(render.scene_png(g["changed"]), f"game {g['group']} spy's picture")["path"]
            rewards = [d["reward"] for d in g["decisions"]]
            write_vision_zero_game(
                w, step=g["step"], game_id=g["group"], spy=g["spy"],
                player_images=[spy_pic if p == g["spy"] else original for p in range(1, V.PLAYERS + 1)],
                clues=clue_turns(g["clues"], V.PLAYERS, V.ROUNDS), decisions=[d["text"] for d in g["decisions"]],
                rewards=rewards, votes=[d["vote"] for d in g["decisions"]], formats=[d["fmt_ok"] for d in g["decisions"]],
                advantages=V.normalise(rewards), prompt=V.decision_prompt(g["clues"]), original_image=original,
                meta={"changed_object": g["changed_index"], "procedural": True})
        return w.count


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="folder that gets one sub-folder per run")
    ap.add_argument("--force", action="store_true", help="rewrite even when the runs are up to date")
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    stamp = os.path.join(out, ".make_run.sha256")
    want = sources_hash()
    done = all(os.path.exists(os.path.join(out, r, "rollouts.jsonl")) for r in (GUI_RUN, VZ_RUN))
    if not args.force and done and os.path.exists(stamp) and open(stamp).read().strip() == want:
        print(f"up to date: {out}/{GUI_RUN}, {out}/{VZ_RUN}")
        return 0
    import render  # Pillow: only needed when the runs are (re)written

    t0 = time.time()
    os.makedirs(out, exist_ok=True)
    if os.path.exists(stamp):
        os.remove(stamp)
    for name, write in ((GUI_RUN, write_gui), (VZ_RUN, write_vision_zero)):
        # Written aside and swapped in, so a reader never sees half a run (and an old one never mixes in).
        partial = os.path.join(out, name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        n = write(partial, render)
        shutil.rmtree(os.path.join(out, name), ignore_errors=True)
        os.rename(partial, os.path.join(out, name))
        images = len(os.listdir(os.path.join(out, name, "images")))
        print(f"{name}: {n} samples, {images} images")
    with open(stamp, "w") as f:
        f.write(want + "\n")
    print(f"written in {time.time() - t0:.1f} s: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
