"""Convert trainer dumps that Rollout Lens cannot read directly into JSON lines it can.

    python -m rollout_lens_logger.convert slime PATH [--out FILE] [--reward-key KEY]
    python -m rollout_lens_logger.convert oat PATH [--out FILE] [--group-size N] [--step N]

slime (``--save-debug-rollout-data``) writes torch pickles of ``{"rollout_id", "samples":
[Sample.to_dict(), ...]}``. Unpickling runs code, so a dump is loaded with
``torch.load(weights_only=True)``: only tensors, Python's plain containers and numbers, and the
numpy array types listed in NUMPY_ALLOWED are rebuilt. Anything else is refused with its class
named, before it is loaded. Each sample becomes one line
``{"rollout_id", "evaluation", "reward_key", "sample"}`` (tensors as lists, NaN as null), written
next to the dump as ``<name>.jsonl`` (or to ``--out``). PATH may be a folder of ``.pt`` files.

oat (``--dump_replay_every N``) writes ``buffer_step{N:05}.pkl`` pickles of a VeriFree run's replay
buffer; they become native JSON lines through an allow-list Unpickler, with no torch or numpy
(oat.py says what is read and what is missing). PATH may be a folder of ``buffer_step*.pkl``.

Exit codes: 0 converted, 2 bad usage or a file that is not a dump of that trainer, 3 torch is
missing (slime), 4 refused (classes outside the allow-list).
"""

import argparse
import json
import math
import os
import sys

# numpy arrays inside a dump (slime may keep routed experts as numpy) are rebuilt from these only.
NUMPY_ALLOWED = (
    "numpy.core.multiarray._reconstruct",
    "numpy._core.multiarray._reconstruct",
    "numpy.ndarray",
    "numpy.dtype",
)


class Refused(Exception):
    """The dump holds something outside the allow-list; nothing was unpickled."""


class NotADump(Exception):
    pass


def _numpy_globals():
    try:
        import numpy as np
    except ImportError:
        return []
    found = [np.ndarray, np.dtype]
    for mod in ("numpy._core.multiarray", "numpy.core.multiarray"):
        try:
            m = __import__(mod, fromlist=["_reconstruct"])
            found.append(m._reconstruct)
            break
        except (ImportError, AttributeError):
            continue
    # dtype instances pickle as their dtype subclass (numpy.dtypes.Float32DType, ...).
    found += [type(np.dtype(t)) for t in ("float32", "float64", "int32", "int64", "uint8", "bool")]
    return found


def _allowed_name(name):
    return name in NUMPY_ALLOWED or name.startswith("numpy.dtypes.") or name.startswith("numpy.dtype[")


def load_slime(path, torch):
    """torch.load with weights_only=True and the numpy allow-list; Refused when anything else is inside."""
    unsafe = []
    get_unsafe = getattr(torch.serialization, "get_unsafe_globals_in_checkpoint", None)
    if get_unsafe is not None:
        try:
            unsafe = [g for g in get_unsafe(path) if not _allowed_name(g)]
        except Exception as e:  # not a torch zip file (e.g. a legacy or truncated pickle)
            raise NotADump(f"{path}: not a torch .pt file that can be inspected safely ({e})") from e
    if unsafe:
        raise Refused(
            f"{path}: refused: it holds classes outside the allow-list ({', '.join(sorted(unsafe))}); "
            "only tensors, plain Python values and numpy arrays are loaded, so nothing was unpickled"
        )
    try:
        with torch.serialization.safe_globals(_numpy_globals()):
            data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:
        if type(e).__name__ == "UnpicklingError":
            raise Refused(f"{path}: refused by the weights-only loader: {str(e).splitlines()[0]}") from e
        raise NotADump(f"{path}: cannot be read as a torch file ({e})") from e
    if not isinstance(data, dict) or "samples" not in data or "rollout_id" not in data:
        keys = ", ".join(map(str, data.keys())) if isinstance(data, dict) else type(data).__name__
        raise NotADump(f"{path}: not a slime debug rollout dump (expected keys rollout_id and samples, found {keys})")
    if not isinstance(data["samples"], list):
        raise NotADump(f"{path}: \"samples\" is not a list")
    return data


def plain(v):
    """Tensors and arrays to lists, tuples to lists, NaN / inf to None: JSON-ready."""
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        return plain(v.tolist())
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, bytes):
        return None
    return str(v)


def is_evaluation(path, rollout_id):
    # save_debug_rollout_data formats the path template with rollout_id = "eval_" + id for evals.
    return f"eval_{rollout_id}" in os.path.basename(path)


def convert_slime_file(path, out, reward_key, torch):
    data = load_slime(path, torch)
    rid = data["rollout_id"]
    if not isinstance(rid, int):
        raise NotADump(f"{path}: rollout_id is {type(rid).__name__}, not an integer")
    evaluation = is_evaluation(path, rid)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for i, s in enumerate(data["samples"]):
            if not isinstance(s, dict):
                raise NotADump(f"{path}: samples[{i}] is {type(s).__name__}, not a Sample.to_dict()")
            line = {"rollout_id": rid, "evaluation": evaluation, "reward_key": reward_key, "sample": plain(s)}
            f.write(json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n")
    os.replace(tmp, out)
    return len(data["samples"])


def _inputs(a, suffix, match):
    """The dumps PATH names (a file, or a folder's matching files), or an exit status."""
    if os.path.isdir(a.path):
        files = sorted(os.path.join(r, n) for r, _, names in os.walk(a.path) for n in names if match(n))
        if a.out:
            print("--out takes one input file, not a folder", file=sys.stderr)
            return 2
    elif os.path.isfile(a.path):
        files = [a.path]
    else:
        print(f"{a.path}: no such file or folder", file=sys.stderr)
        return 2
    if not files:
        print(f"{a.path}: no {suffix} files", file=sys.stderr)
        return 2
    return files


def _main_oat(a):
    from . import oat

    files = _inputs(a, "buffer_step*.pkl", lambda n: n.startswith("buffer_step") and n.endswith(".pkl"))
    if isinstance(files, int):
        return files
    status = 0
    for p in files:
        out = a.out or os.path.splitext(p)[0] + ".jsonl"
        try:
            n, missing = oat.convert_oat_file(p, out, a.group_size, a.step)
            print(f"{p}: {n} samples -> {out}")
            if missing:
                print(
                    f"{p}: warning: {missing} of {n} samples have no reward: {oat.MISSING_REWARD} "
                    "(VeriFree computes logp_reward in learn(), after the dump); they are written with "
                    "reward 0, no p_reward and meta.oat.reward_computed = false",
                    file=sys.stderr,
                )
        except oat.Refused as e:
            print(str(e), file=sys.stderr)
            status = max(status, 4)
        except oat.NotADump as e:
            print(str(e), file=sys.stderr)
            status = max(status, 2)
    return status


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m rollout_lens_logger.convert", description=__doc__.split("\n\n")[0])
    ap.add_argument("framework", choices=["slime", "oat"])
    ap.add_argument("path", help="a dump (.pt for slime, buffer_step*.pkl for oat), or a folder of them")
    ap.add_argument("--out", help="output .jsonl (one input file only); default: next to the dump")
    ap.add_argument("--reward-key", default=None, help="slime's --reward-key: which key of a dict reward is the reward")
    ap.add_argument("--group-size", type=int, default=None,
                    help="oat: --num_samples, rollouts per prompt (default: runs of consecutive trajectories with the same prompt)")
    ap.add_argument("--step", type=int, default=None, help="oat: the step, when the file is not named buffer_step{N}.pkl")
    a = ap.parse_args(argv)
    if a.group_size is not None and a.group_size < 1:
        print("--group-size must be at least 1", file=sys.stderr)
        return 2
    if a.framework == "oat":
        return _main_oat(a)
    try:
        import torch
    except ImportError:
        print(
            f"convert slime needs torch, which this Python ({sys.executable}) does not have: "
            "install it (pip install torch) or run the command with a Python that has it",
            file=sys.stderr,
        )
        return 3
    files = _inputs(a, ".pt", lambda n: n.endswith(".pt"))
    if isinstance(files, int):
        return files
    status = 0
    for p in files:
        out = a.out or os.path.splitext(p)[0] + ".jsonl"
        try:
            n = convert_slime_file(p, out, a.reward_key, torch)
            print(f"{p}: {n} samples -> {out}")
        except Refused as e:
            print(str(e), file=sys.stderr)
            status = max(status, 4)
        except NotADump as e:
            print(str(e), file=sys.stderr)
            status = max(status, 2)
    return status


if __name__ == "__main__":
    sys.exit(main())
