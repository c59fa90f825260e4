#!/usr/bin/env python3
"""Serve a verl ``compute_score`` over Rollout Lens's JSON-lines protocol (stdlib only).

Usage::

    python3 python/rollout_lens_reward/adapter.py --file my_reward.py [--function compute_score]
    python3 -m rollout_lens_reward.adapter --file my_reward.py      # with python/ on PYTHONPATH

Protocol (docs/rewards.md): one JSON object per line on stdin,
``{"id", "prompt", "response", "ground_truth", "data_source", "extra"}``; one JSON object per line
on stdout, ``{"id", "score", "components"?, "rationale"?}`` or ``{"id", "error"}``.

``compute_score`` is called as verl calls it, with keyword arguments ``data_source``,
``solution_str``, ``ground_truth`` and ``extra_info``; it returns a number (or bool) or a dict with a
``"score"`` key (other numeric keys become components; ``"rationale"``/``"pred"`` strings are kept).
Anything the function prints goes to stderr, so stdout carries protocol lines only.
"""

import argparse
import contextlib
import importlib.util
import json
import math
import os
import sys
import traceback


def load_function(path, name):
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise SystemExit(f"rollout_lens_reward: {path}: no such file")
    # The user's module may import siblings, as it would inside their trainer.
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location("rollout_lens_user_reward", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"rollout_lens_reward: {path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    with contextlib.redirect_stdout(sys.stderr):
        spec.loader.exec_module(module)
    fn = getattr(module, name, None)
    if not callable(fn):
        raise SystemExit(f"rollout_lens_reward: {path}: defines no function {name!r}")
    return fn


def finite(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def to_reply(req_id, result):
    if isinstance(result, bool):
        return {"id": req_id, "score": 1.0 if result else 0.0}
    if finite(result):
        return {"id": req_id, "score": float(result)}
    if isinstance(result, dict):
        score = result.get("score")
        if isinstance(score, bool):
            score = 1.0 if score else 0.0
        if not finite(score):
            return {"id": req_id, "error": f"compute_score returned a dict whose 'score' is {score!r}"}
        reply = {"id": req_id, "score": float(score)}
        components = {}
        for key, value in result.items():
            if key == "score":
                continue
            if isinstance(value, bool):
                components[key] = 1.0 if value else 0.0
            elif finite(value):
                components[key] = float(value)
        if components:
            reply["components"] = components
        if isinstance(result.get("rationale"), str):
            reply["rationale"] = result["rationale"]
        if isinstance(result.get("pred"), str):
            reply["extracted"] = result["pred"]
        return reply
    return {"id": req_id, "error": f"compute_score returned {type(result).__name__}, expected a number or a dict with 'score'"}


def serve(fn, stdin, stdout):
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            print(f"rollout_lens_reward: ignoring a line that is not JSON: {e}", file=sys.stderr)
            continue
        req_id = req.get("id")
        try:
            with contextlib.redirect_stdout(sys.stderr):
                result = fn(
                    data_source=req.get("data_source"),
                    solution_str=req.get("response", ""),
                    ground_truth=req.get("ground_truth"),
                    extra_info=req.get("extra") or {},
                )
            reply = to_reply(req_id, result)
        except Exception as e:  # one bad sample must not end the server
            traceback.print_exc(file=sys.stderr)
            reply = {"id": req_id, "error": f"{type(e).__name__}: {e}"}
        stdout.write(json.dumps(reply) + "\n")
        stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", required=True, help="Python file defining the reward function")
    parser.add_argument("--function", default="compute_score", help="function name (default: compute_score)")
    args = parser.parse_args(argv)
    fn = load_function(args.file, args.function)
    serve(fn, sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
