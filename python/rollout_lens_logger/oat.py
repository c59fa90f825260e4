"""oat's replay-buffer dumps (``--dump_replay_every N``) of a VeriFree run, as native JSON lines.

    python -m rollout_lens_logger.convert oat PATH [--out FILE] [--group-size N] [--step N]

What the file is (sail-sg/oat 0.1.3 = 38d18ed, ``oat/learners/base.py`` ``run``): every N steps,
before ``learn()``, rank 0 gathers each rank's ``pi_buffer`` (a deque) and writes
``pd.to_pickle((processed_prompts, refs, gather_all_buffer), "buffer_step{steps:05}.pkl")``: the
step's prompt batch of rank 0, its reference answers, and one buffer per rank. VeriFree
(sail-sg/VeriFree 718b363) fills the buffers with ``utils.types.VeriFreeTrajectoryData``, the
``num_samples`` responses of each prompt one after another (``VeriFreeActor.step``).

Unpickling runs code, so the file is read by an Unpickler whose ``find_class`` knows only
VeriFree's trajectory class (rebuilt as a plain record, never imported), ``collections.deque`` and
numpy's scalar and dtype (decoded here from their bytes, without numpy). Any other class or function
in the file stops the read with its name: nothing from the file is called.

``logp_reward`` is computed in VeriFree's ``learn()``, which runs after the dump, so a fresh
buffer has none: those samples are written with reward 0 and no ``p_reward``, and the converter says
so. A trajectory that stayed in the buffer from an earlier step carries the logp that an earlier
``learn()`` gave it; then reward = p_reward = exp(logp_reward) (VeriFree's ``--reward_source p``).
"""

import collections
import math
import os
import pickle
import re
import struct

from .verifree import verifree_fields
from .writer import RolloutWriter

TRAJECTORY_CLASS = ("utils.types", "VeriFreeTrajectoryData")
NUMPY_SCALAR = {("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar")}
MISSING_REWARD = "the reward was not yet computed when oat dumped this buffer"
STEP_NAME = re.compile(r"buffer_step(\d+)\.pkl$")


class Refused(Exception):
    """The pickle names something outside the allow-list; it was not called."""


class NotADump(Exception):
    pass


class Trajectory:
    """A VeriFreeTrajectoryData's fields as a dict: the class itself is never imported."""

    __slots__ = ("fields",)

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2:  # (dict, slots) when a class has __slots__
            state = {**(state[0] or {}), **(state[1] or {})}
        if not isinstance(state, dict):
            raise NotADump(f"a VeriFreeTrajectoryData holds {type(state).__name__}, not its fields")
        self.fields = state


class DType:
    """numpy.dtype as a pickle rebuilds it: ``dtype('f8', False, True)`` then its state (byte order)."""

    def __init__(self, code, align=False, copy=False):
        self.code = str(code)
        self.order = "|"

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) > 1 and state[1] in ("<", ">", "|", "="):
            self.order = state[1]


_STRUCT = {"b1": "?", "i1": "b", "i2": "h", "i4": "i", "i8": "q", "u1": "B", "u2": "H", "u4": "I", "u8": "Q",
           "f2": "e", "f4": "f", "f8": "d"}


def numpy_scalar(dtype, data=None):
    """A numpy scalar (np.bool_, np.int64, np.float64, …) as the Python value it holds."""
    if not isinstance(dtype, DType) or not isinstance(data, bytes) or dtype.code not in _STRUCT:
        code = dtype.code if isinstance(dtype, DType) else type(dtype).__name__
        raise NotADump(f"a numpy scalar of type {code} is not read (only booleans, integers and floats)")
    order = {"<": "<", ">": ">", "|": "<", "=": "="}[dtype.order]
    (value,) = struct.unpack(order + _STRUCT[dtype.code], data)
    return value


class OatUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == TRAJECTORY_CLASS:
            return Trajectory
        if (module, name) == ("collections", "deque"):
            return collections.deque
        if (module, name) in NUMPY_SCALAR:
            return numpy_scalar
        if (module, name) == ("numpy", "dtype"):
            return DType
        raise Refused(f"{module}.{name}")

    def persistent_load(self, pid):
        raise Refused(f"persistent id {pid!r}")


def load_buffer(path):
    try:
        with open(path, "rb") as f:
            data = OatUnpickler(f).load()
    except Refused as e:
        raise Refused(
            f"{path}: refused: the pickle refers to {e}, which is outside the allow-list "
            "(VeriFree's trajectory data, deque, numpy scalars); it was not called"
        ) from None
    except NotADump as e:
        raise NotADump(f"{path}: {e}") from None
    except Exception as e:  # truncated, not a pickle, or a shape the stand-ins refuse
        raise NotADump(f"{path}: cannot be read as an oat replay dump ({type(e).__name__}: {e})") from None
    if not (isinstance(data, tuple) and len(data) == 3 and isinstance(data[2], list)):
        found = f"a tuple of {len(data)}" if isinstance(data, tuple) else type(data).__name__
        raise NotADump(f"{path}: not an oat replay dump (expected (processed_prompts, refs, [one buffer per rank]), found {found})")
    prompts, refs, ranks = data
    for r, buf in enumerate(ranks):
        if not isinstance(buf, (collections.deque, list)):
            raise NotADump(f"{path}: rank {r}'s buffer is {type(buf).__name__}, not a deque")
        for i, t in enumerate(buf):
            if not isinstance(t, Trajectory):
                raise NotADump(f"{path}: rank {r} item {i} is {type(t).__name__}, not a VeriFreeTrajectoryData")
    return list(prompts or []), list(refs or []), [[t.fields for t in buf] for buf in ranks]


def groups_of(items, group_size, where):
    """Blocks of ``group_size`` items, or runs of consecutive items with the same prompt."""
    if group_size:
        if len(items) % group_size:
            raise NotADump(f"{where} holds {len(items)} trajectories, not a multiple of --group-size {group_size}")
        blocks = [items[i : i + group_size] for i in range(0, len(items), group_size)]
        for k, b in enumerate(blocks):
            if len({t.get("prompt") for t in b}) > 1:
                raise NotADump(f"{where}: trajectories {k * group_size}-{k * group_size + group_size - 1} do not share one prompt; "
                               "is --group-size oat's --num_samples?")
        return blocks
    blocks = []
    for t in items:
        if blocks and blocks[-1][-1].get("prompt") == t.get("prompt"):
            blocks[-1].append(t)
        else:
            blocks.append([t])
    return blocks


def _text(t, key, where):
    v = t.get(key)
    if not isinstance(v, str):
        raise NotADump(f"{where}: {key} is {type(v).__name__}, not text")
    return v


def _finite_floats(values):
    out = [float(x) for x in values or ()]
    return out if all(math.isfinite(x) for x in out) else None


def sample_fields(t, ref, rank, where):
    """What one trajectory becomes: RolloutWriter.write keyword arguments, less step/group/index."""
    response = _text(t, "response", where)
    logp = t.get("logp_reward")
    meta = {
        "rank": rank,
        "loss_mask": bool(t.get("loss_mask", True)),
        "no_eos": bool(t.get("no_eos", False)),
        "end_with_eos": bool(t.get("end_with_eos", False)),
        "think_tokens": len(t.get("think_ids") or ()),
        "answer_tokens": len(t.get("answer_ids") or ()),
        "reference_answer_text": t.get("answer_text") or "",
        "reward_computed": logp is not None,
    }
    kw = {
        "prompt": _text(t, "prompt", where),
        "response": response,
        "reward": 0.0,
        "response_ids": [int(x) for x in t.get("response_ids") or ()],
        # VeriFree sets no_eos when vLLM stopped at the length limit, or thinking plus the reference answer would not fit.
        "finish_reason": "length" if meta["no_eos"] else "stop",
        "meta": {"oat": meta},
    }
    logprobs = _finite_floats(t.get("response_logprobs"))
    if logprobs is not None:
        kw["logprobs"] = logprobs
    if ref is not None:
        kw["ground_truth"] = str(ref)
    if t.get("reparam_ratio") is not None:
        meta["reparam_ratio"] = float(t["reparam_ratio"])
    if logp is not None:
        logp = float(logp)
        fields = verifree_fields(response, logp)
        kw.update(fields, reward=fields["p_reward"])
    return kw


def step_of(path, step):
    if step is not None:
        return step
    m = STEP_NAME.search(os.path.basename(path))
    if not m:
        raise NotADump(f"{path}: the step is read from a name like buffer_step00010.pkl; pass --step N")
    return int(m.group(1))


def convert_oat_file(path, out, group_size=None, step=None):
    """Writes ``out``; returns (samples written, samples without a reward)."""
    step = step_of(path, step)
    prompts, refs, ranks = load_buffer(path)
    ref_of = dict(zip(prompts, refs))
    tmp = out + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    written = missing = 0
    try:
        with RolloutWriter(tmp) as w:
            for rank, items in enumerate(ranks):
                for k, block in enumerate(groups_of(items, group_size, f"{path}: rank {rank}")):
                    for i, t in enumerate(block):
                        where = f"{path}: rank {rank} group {k} item {i}"
                        kw = sample_fields(t, ref_of.get(t.get("prompt")), rank, where)
                        try:
                            w.write(step, f"{step}-{rank}-{k}", index=i, **kw)
                        except ValueError as e:  # e.g. a NaN where JSON has none
                            raise NotADump(f"{where}: {e}") from None
                        written += 1
                        missing += 0 if kw["meta"]["oat"]["reward_computed"] else 1
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return written, missing
